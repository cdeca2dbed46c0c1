namespace Stitcher.Engine.Pipeline;

/// <summary>Counts for one run over the sources, per channel and in total.</summary>
public sealed class RunSummary
{
    public Dictionary<string, ChannelSummary> Channels { get; } = new(StringComparer.OrdinalIgnoreCase);
    public int ProfilesCreated { get; set; }

    /// <summary>Each sink's delivery status after a run that drained them (<c>run --once</c>, <c>ingest</c>); empty otherwise.</summary>
    public IReadOnlyList<Delivery.SinkStatus> Sinks { get; set; } = [];

    /// <summary>Identifier values that stopped linking during the run (shared by too many people or records).</summary>
    public int IdentifiersDisabled { get; set; }

    /// <summary>Changes the sinks dead-lettered during this run (refused by a destination, or given up on after retries).</summary>
    public long SinkDeadLetters { get; set; }

    public int ProfilesMerged { get; set; }
    public long TotalProfiles { get; set; }
    public long TotalRecords { get; set; }
    public TimeSpan Elapsed { get; set; }

    public long RecordsRead => Sum(static c => c.RecordsRead);
    public long RecordsRejected => Sum(static c => c.RecordsRejected);
    public long FieldsDropped => Sum(static c => c.FieldsDropped);
    public long RecordsUnchanged => Sum(static c => c.RecordsUnchanged);
    public long FilesFailed => Sum(static c => c.FilesFailed);
    public long SourcesMissing => Sum(static c => c.SourcesMissing);

    /// <summary>Whether something configured could not be read: a file failed, or a channel's path does not exist.</summary>
    public bool HasFailures => FilesFailed > 0 || SourcesMissing > 0;

    /// <summary>Values kept normalized but unverified, per canonical attribute name, over all channels.</summary>
    public SortedDictionary<string, long> ValuesUnverified
    {
        get
        {
            var total = new SortedDictionary<string, long>(StringComparer.Ordinal);
            foreach (var channel in Channels.Values)
            {
                foreach (var (attribute, count) in channel.ValuesUnverified)
                {
                    total[attribute] = total.GetValueOrDefault(attribute) + count;
                }
            }
            return total;
        }
    }

    public ChannelSummary For(string channel)
    {
        if (!Channels.TryGetValue(channel, out var summary))
        {
            summary = new ChannelSummary();
            Channels[channel] = summary;
        }
        return summary;
    }

    private long Sum(Func<ChannelSummary, long> selector)
    {
        long total = 0;
        foreach (var channel in Channels.Values)
        {
            total += selector(channel);
        }
        return total;
    }
}

/// <summary>Counts for one channel.</summary>
public sealed class ChannelSummary
{
    public int Files { get; set; }
    /// <summary>Files that could not be read at all (e.g. a mapped column is missing from the header).</summary>
    public int FilesFailed { get; set; }
    /// <summary>Passes in which the channel's configured path did not exist (neither a file nor a folder).</summary>
    public int SourcesMissing { get; set; }
    /// <summary>Rows read, well-formed or not.</summary>
    public long RecordsRead { get; set; }
    /// <summary>Rows dead-lettered: malformed, or missing what every record needs (record id, timestamp).</summary>
    public long RecordsRejected { get; set; }
    /// <summary>Invalid values (an unreadable phone, say) dropped from otherwise good records.</summary>
    public long FieldsDropped { get; set; }
    /// <summary>Rows identical to what the store already held.</summary>
    public long RecordsUnchanged { get; set; }
    /// <summary>Values kept normalized but unverified (a phone in an unassigned range), per canonical attribute name.</summary>
    public SortedDictionary<string, long> ValuesUnverified { get; } = new(StringComparer.Ordinal);
}

/// <summary>How far the engine is through a file: reported after every batch, so a bulk load can show progress.</summary>
/// <param name="Channel">The channel being read.</param>
/// <param name="File">The file being read.</param>
/// <param name="BytesRead">Bytes of the file consumed so far.</param>
/// <param name="FileBytes">The file's length when reading started.</param>
/// <param name="RecordsRead">Rows read from this file so far in this run.</param>
/// <param name="RecordsRejected">Rows of this file dead-lettered so far in this run.</param>
/// <param name="Elapsed">Time since this file's reading started.</param>
public sealed record IngestProgress(string Channel, string File, long BytesRead, long FileBytes, long RecordsRead, long RecordsRejected, TimeSpan Elapsed);

/// <summary>What resolving every stored record again did (<c>stitcher resolve</c>).</summary>
/// <param name="Records">Records scored again with the current model.</param>
/// <param name="ProfilesBefore">Profiles before.</param>
/// <param name="ProfilesAfter">Profiles after.</param>
/// <param name="ProfilesCreated">Profiles that are new (split off, or founded anew).</param>
/// <param name="ProfilesMerged">Profiles that merged into others.</param>
/// <param name="Elapsed">Time taken.</param>
public sealed record ResolveSummary(long Records, long ProfilesBefore, long ProfilesAfter, int ProfilesCreated, int ProfilesMerged, TimeSpan Elapsed);
