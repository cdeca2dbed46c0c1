namespace Stitcher.Plugins.Salesforce;

/// <summary>
/// Profile id → the Salesforce record id an upsert returned, kept so that a retired or deleted profile can be deleted
/// through the collection delete (which takes record ids). An append-only file of <c>profile_id\tsalesforce_id</c> lines
/// (an empty id: forgotten) in the sink's state directory, flushed with each flush of the sink, read at start, and
/// written anew once it holds twice as many lines as live ids. Without a state directory the ids live in memory only.
/// </summary>
internal sealed class SalesforceIdMap
{
    private readonly Dictionary<string, string> _ids = new(StringComparer.Ordinal);
    private readonly List<string> _pending = [];
    private readonly string? _path;
    private long _lines;

    public SalesforceIdMap(string? stateDirectory)
    {
        if (stateDirectory is null)
        {
            return;
        }
        Directory.CreateDirectory(stateDirectory);
        _path = Path.Combine(stateDirectory, "salesforce-ids.tsv");
        if (!File.Exists(_path))
        {
            return;
        }
        var text = File.ReadAllText(_path);
        var complete = text.LastIndexOf('\n') + 1;
        if (complete < text.Length)
        {
            // A last line cut short by a crash: dropped, and the file ends where the complete lines do, so that the next
            // append does not run on from it.
            text = text[..complete];
            File.WriteAllText(_path, text);
        }
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab <= 0)
            {
                continue;
            }
            _lines++;
            var id = line[(tab + 1)..];
            if (id.Length == 0)
            {
                _ids.Remove(line[..tab]);
            }
            else
            {
                _ids[line[..tab]] = id;
            }
        }
    }

    public int Count => _ids.Count;

    public bool TryGet(string profileId, out string salesforceId) => _ids.TryGetValue(profileId, out salesforceId!);

    public void Set(string profileId, string salesforceId)
    {
        if (_ids.TryGetValue(profileId, out var known) && known == salesforceId)
        {
            return;
        }
        _ids[profileId] = salesforceId;
        _pending.Add(profileId + "\t" + salesforceId);
    }

    public void Forget(string profileId)
    {
        if (_ids.Remove(profileId))
        {
            _pending.Add(profileId + "\t");
        }
    }

    /// <summary>Makes the changes since the last flush durable.</summary>
    public void Flush()
    {
        if (_path is null || _pending.Count == 0)
        {
            _pending.Clear();
            return;
        }
        if (_lines + _pending.Count > 2L * Math.Max(_ids.Count, 1024))
        {
            var temporary = _path + ".tmp";
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            using (var writer = new StreamWriter(stream))
            {
                foreach (var (profileId, id) in _ids)
                {
                    writer.Write(profileId);
                    writer.Write('\t');
                    writer.Write(id);
                    writer.Write('\n');
                }
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, _path, overwrite: true);
            _lines = _ids.Count;
        }
        else
        {
            using var stream = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
            using var writer = new StreamWriter(stream);
            foreach (var line in _pending)
            {
                writer.Write(line);
                writer.Write('\n');
            }
            writer.Flush();
            stream.Flush(flushToDisk: true);
            _lines += _pending.Count;
        }
        _pending.Clear();
    }
}
