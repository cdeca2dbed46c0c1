using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using FASTER.core;
using MessagePack;
using Microsoft.Extensions.Logging;
using Stitcher.Engine.Configuration;

namespace Stitcher.Engine.Store;

/// <summary>
/// The one place FASTER is used. Keys are short UTF-8 strings with a type prefix; values are MessagePack.
/// Single-threaded: one FASTER session, owned by the engine's worker. Recovers its last checkpoint on open
/// (<see cref="PrepareFiles"/>); reads and writes are here, opening, checkpoints and closing in KeyValueStore.Checkpoint.cs.
/// </summary>
internal sealed partial class KeyValueStore : IDisposable
{
    private const int MaxStackKeyBytes = 512;
    private const int ReadBufferBytes = 64 * 1024;

    // The share of in-memory log pages that may still be updated in place; older pages are written to disk as the
    // tail moves on, while the engine works. FASTER's default (0.9) left most of the log to the checkpoint: a 1M
    // backfill then waited 2.4 s at its end for 1 GiB to be written, against 0.5 s now. Stored values are
    // rarely updated in place (profiles grow, so FASTER copies them to the tail anyway): the log is as large.
    private const double MutableFraction = 0.1;

    private readonly FasterKV<SpanByte, SpanByte> _store;
    private readonly FasterKVSettings<SpanByte, SpanByte> _settings;
    private readonly CheckpointDeviceFactory _checkpointDevices;
    private readonly DeviceLogCommitCheckpointManager _checkpointManager;
    private readonly StoreWriteFailure _writeFailure;
    private readonly TimeSpan _checkpointTimeout;
    private readonly ClientSession<SpanByte, SpanByte, SpanByte, SpanByteAndMemory, Empty, SpanByteFunctions<Empty>> _session;
    private readonly ArrayBufferWriter<byte> _valueBuffer = new(4096);

    // Reads land here when the value fits (FASTER copies into a SpanByte output that has room), so a read
    // allocates nothing but the deserialized value; larger values come back in pooled memory. Pinned for life.
    private readonly byte[] _readBuffer = GC.AllocateUninitializedArray<byte>(ReadBufferBytes, pinned: true);
    private readonly ILogger _logger;

    public KeyValueStore(string directory, long indexSizeBytes, long memorySizeBytes, long pageSizeBytes, ILogger logger, TimeSpan? checkpointTimeout = null)
    {
        _logger = logger;
        Directory = directory;
        _checkpointTimeout = checkpointTimeout ?? TimeSpan.FromSeconds(StoreOptions.DefaultCheckpointTimeoutSeconds);
        // Errors name the data directory, which holds the store folder.
        _writeFailure = new StoreWriteFailure(DataDirectoryOf(directory));
        var checkpointDirectory = Path.Combine(directory, "checkpoints");
        // Refused before FASTER reads anything: a damaged or read-only store is left exactly as it is.
        var recoverFrom = PrepareFiles(directory, checkpointDirectory);
        Recovered = recoverFrom is not null;
        _checkpointDevices = new CheckpointDeviceFactory(_writeFailure);
        _checkpointManager = new DeviceLogCommitCheckpointManager(_checkpointDevices,
            new DefaultCheckpointNamingScheme(Path.GetFullPath(checkpointDirectory)), removeOutdated: false);
        _settings = new FasterKVSettings<SpanByte, SpanByte>
        {
            LogDevice = new FileLogDevice(Path.Combine(directory, "hlog.log"), _writeFailure),
            IndexSize = indexSizeBytes,
            MemorySize = memorySizeBytes,
            PageSize = pageSizeBytes,
            CheckpointManager = _checkpointManager,
            // Outdated checkpoints are removed here, after the manifest names the new one (StoreManifest.Write): removed
            // by FASTER as the new one commits, a kill before the manifest was written left it naming files gone.
            RemoveOutdatedCheckpoints = false,
            MutableFraction = MutableFraction,
        };
        try
        {
            _store = new FasterKV<SpanByte, SpanByte>(_settings);
            Recover(recoverFrom);
        }
        catch (Exception e) when (Recovered && e is not OutOfMemoryException)
        {
            _store?.Dispose();
            _settings.LogDevice.Dispose();
            _settings.Dispose();
            _checkpointManager.Dispose();
            throw new StoreDamagedException($"The store at {directory} cannot be recovered from its last checkpoint: {e.GetType().Name}: {e.Message}", e);
        }
        _session = _store.For(new SpanByteFunctions<Empty>()).NewSession<SpanByteFunctions<Empty>>();
        Log.StoreOpened(_logger, directory, Recovered, _store.RecoveredVersion, _store.EntryCount, memorySizeBytes, pageSizeBytes, indexSizeBytes, MutableFraction);
    }

    /// <summary>The folder holding the log and its checkpoints.</summary>
    public string Directory { get; }

    /// <summary>Whether the store was recovered from a checkpoint when it opened.</summary>
    public bool Recovered { get; }

    /// <summary>A key as UTF-8: in <paramref name="stackBuffer"/> when it fits (almost always), else in a new array.</summary>
    private static ReadOnlySpan<byte> Utf8Key(string key, Span<byte> stackBuffer)
    {
        var buffer = Encoding.UTF8.GetMaxByteCount(key.Length) <= stackBuffer.Length ? stackBuffer : new byte[Encoding.UTF8.GetMaxByteCount(key.Length)];
        return buffer[..Encoding.UTF8.GetBytes(key, buffer)];
    }

    public bool TryRead<T>(string key, out T value)
    {
        return TryRead(Utf8Key(key, stackalloc byte[MaxStackKeyBytes]), out value);
    }

    /// <summary>
    /// Reads the value once and deserializes it only when <paramref name="accept"/>, given its bytes and
    /// <paramref name="state"/>, says so (a profile whose version a cheap look at the bytes tells is too new). False when
    /// the key is missing or the value was not accepted.
    /// </summary>
    public unsafe bool TryReadWhere<T>(string key, Func<ReadOnlyMemory<byte>, long, bool> accept, long state, out T value)
    {
        var keyBytes = Utf8Key(key, stackalloc byte[MaxStackKeyBytes]);
        fixed (byte* keyPointer = keyBytes)
        {
            var status = Read(SpanByte.FromPointer(keyPointer, keyBytes.Length), out var output);
            using var owner = output.Memory;
            if (!status.Found)
            {
                value = default!;
                return false;
            }
            var bytes = output.IsSpanByte ? new ReadOnlyMemory<byte>(_readBuffer, 0, output.SpanByte.Length) : owner!.Memory[..output.Length];
            if (!accept(bytes, state))
            {
                value = default!;
                return false;
            }
            value = MessagePackSerializer.Deserialize<T>(bytes, StoreSerializer.Options);
            return true;
        }
    }

    public unsafe bool TryRead<T>(ReadOnlySpan<byte> key, out T value)
    {
        fixed (byte* keyPointer = key)
        {
            var status = Read(SpanByte.FromPointer(keyPointer, key.Length), out var output);
            if (!status.Found)
            {
                output.Memory?.Dispose();
                value = default!;
                return false;
            }
            using var owner = output.Memory;
            value = output.IsSpanByte
                ? MessagePackSerializer.Deserialize<T>(new ReadOnlyMemory<byte>(_readBuffer, 0, output.SpanByte.Length), StoreSerializer.Options)
                : MessagePackSerializer.Deserialize<T>(owner!.Memory[..output.Length], StoreSerializer.Options);
            return true;
        }
    }

    /// <summary>Whether a live value is stored under <paramref name="key"/>, without deserialising it.</summary>
    public unsafe bool Contains(string key)
    {
        var keyBytes = Utf8Key(key, stackalloc byte[MaxStackKeyBytes]);
        fixed (byte* keyPointer = keyBytes)
        {
            var status = Read(SpanByte.FromPointer(keyPointer, keyBytes.Length), out var output);
            output.Memory?.Dispose();
            return status.Found;
        }
    }

    /// <summary>One read by key, waiting for it when FASTER has to go to disk. The caller owns the output's memory.</summary>
    private unsafe Status Read(SpanByte key, out SpanByteAndMemory output)
    {
        output = new SpanByteAndMemory(SpanByte.FromPointer((byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_readBuffer)), _readBuffer.Length));
        var status = _session.Read(ref key, ref output);
        if (!status.IsPending)
        {
            return status;
        }
        _session.CompletePendingWithOutputs(out var outputs, wait: true);
        using (outputs)
        {
            status = default;
            while (outputs.Next())
            {
                status = outputs.Current.Status;
                output = outputs.Current.Output;
            }
        }
        return status;
    }

    public void Write<T>(string key, T value)
    {
        Write(Utf8Key(key, stackalloc byte[MaxStackKeyBytes]), value);
    }

    public void Write<T>(ReadOnlySpan<byte> key, T value)
    {
        _valueBuffer.ResetWrittenCount();
        MessagePackSerializer.Serialize(_valueBuffer, value, StoreSerializer.Options);
        WriteSerialized(key, _valueBuffer.WrittenSpan);
    }

    /// <summary>Writes a value already serialized with <see cref="StoreSerializer.Options"/> (serialized on other threads).</summary>
    public void WriteSerialized(string key, ReadOnlySpan<byte> value)
    {
        WriteSerialized(Utf8Key(key, stackalloc byte[MaxStackKeyBytes]), value);
    }

    private unsafe void WriteSerialized(ReadOnlySpan<byte> key, ReadOnlySpan<byte> valueSpan)
    {
        fixed (byte* keyPointer = key)
        fixed (byte* valuePointer = valueSpan)
        {
            // A log page that could not be written is never written again: stop before adding to what would be lost.
            _writeFailure.ThrowIfFailed();
            var spanKey = SpanByte.FromPointer(keyPointer, key.Length);
            var spanValue = SpanByte.FromPointer(valuePointer, valueSpan.Length);
            var status = _session.Upsert(ref spanKey, ref spanValue);
            if (status.IsPending)
            {
                _session.CompletePending(wait: true);
            }
        }
    }

    public unsafe void Delete(string key)
    {
        var keyBytes = Encoding.UTF8.GetBytes(key);
        fixed (byte* keyPointer = keyBytes)
        {
            _writeFailure.ThrowIfFailed();
            var spanKey = SpanByte.FromPointer(keyPointer, keyBytes.Length);
            var status = _session.Delete(ref spanKey);
            if (status.IsPending)
            {
                _session.CompletePending(wait: true);
            }
        }
    }

    /// <summary>
    /// Visits the live value of every key starting with <paramref name="prefix"/>, each key once; deleted keys are
    /// skipped. Used at start-up to rebuild in-memory indexes, and for listings; not for hot paths.
    /// </summary>
    /// <remarks>
    /// FASTER 2.6.5's iterators are used only to find candidate keys: they can yield keys with stale values and
    /// zero-padded phantom keys (microsoft/FASTER#962, #885), and the session iterator also missed live keys. So the
    /// whole log is scanned raw and each key found is then read by key, which always returns the live value or nothing.
    /// </remarks>
    public void ScanPrefix<T>(string prefix, Action<string, T> visit)
    {
        var prefixBytes = Encoding.UTF8.GetBytes(prefix);
        var keys = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        _session.CompletePending(wait: true);
        // A raw scan of the whole log, every version of every record: the session's Iterate(), which deduplicates
        // through a temporary store, missed live keys once the log spilled to disk (16 of 400k keys with a 16 MiB
        // index, 240 with 1 MiB). Keys are deduplicated here and each is read back, so a stale or deleted version
        // found by the scan is never visited.
        using (var iterator = _store.Log.Scan(_store.Log.BeginAddress, _store.Log.TailAddress))
        {
            while (iterator.GetNext(out _))
            {
                var key = iterator.GetKey().AsReadOnlySpan();
                if (key.StartsWith(prefixBytes) && !key.Contains((byte)0))
                {
                    var text = Encoding.UTF8.GetString(key);
                    if (seen.Add(text))
                    {
                        keys.Add(text);
                    }
                }
            }
        }
        foreach (var key in keys)
        {
            if (TryRead<T>(key, out var value))
            {
                visit(key, value);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Store opened at {Directory} (recovered: {Recovered}, version {Version}, {Entries} entries; "
            + "log memory {LogMemoryBytes} B, page {PageBytes} B, index {IndexBytes} B, mutable fraction {MutableFraction})")]
        public static partial void StoreOpened(ILogger logger, string directory, bool recovered, long version, long entries, long logMemoryBytes, long pageBytes,
            long indexBytes, double mutableFraction);

        [LoggerMessage(2, LogLevel.Debug, "Checkpoint {CheckpointToken} took {ElapsedMs:F1} ms")]
        public static partial void CheckpointTaken(ILogger logger, Guid checkpointToken, double elapsedMs);
    }
}
