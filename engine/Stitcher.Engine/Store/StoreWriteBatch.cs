using System.Buffers;
using System.Collections.Concurrent;
using MessagePack;

namespace Stitcher.Engine.Store;

/// <summary>
/// Values to write to the store together: serialized on all cores, then written one by one on the caller's thread
/// (the store's session belongs to it). Serializing whole documents is most of what writing them costs, and it is done
/// by the linking thread, the run's longest path: the other cores take part of it whenever the scoring of the next
/// batch leaves them room. (A backfill is CPU-bound on two cores, so this moved 1M throughput by less than the noise.)
/// </summary>
internal sealed class StoreWriteBatch
{
    /// <summary>Below this many values, starting workers costs more than it saves (a single record ingested, say).</summary>
    private const int MinParallel = 64;

    private readonly ConcurrentBag<ArrayBufferWriter<byte>> _buffers = [];
    private Item[] _items = new Item[256];
    private (ArrayBufferWriter<byte> Buffer, int Start, int Length)[] _slices = new (ArrayBufferWriter<byte>, int, int)[256];
    private int _count;

    public int Count => _count;

    /// <summary>Queues <paramref name="value"/> to be written under <paramref name="key"/>; it must not change until <see cref="WriteTo"/>.</summary>
    public void Add<T>(string key, T value) where T : class
    {
        if (_count == _items.Length)
        {
            Array.Resize(ref _items, 2 * _count);
            Array.Resize(ref _slices, 2 * _count);
        }
        _items[_count++] = new Item(key, value, Serializer<T>.Write);
    }

    /// <summary>Serializes and writes every queued value, in the order queued, and empties the batch (also when it fails).</summary>
    public void WriteTo(KeyValueStore store)
    {
        try
        {
            // Buffers are emptied here, once, and never inside the loop: Parallel.For may retire a worker and start
            // another mid-loop, which takes back a buffer already holding this batch's values and must append to it.
            foreach (var buffer in _buffers)
            {
                buffer.ResetWrittenCount();
            }
            var items = _items;
            var slices = _slices;
            if (_count < MinParallel)
            {
                var buffer = Take();
                for (var i = 0; i < _count; i++)
                {
                    slices[i] = Serialize(buffer, items[i]);
                }
                _buffers.Add(buffer);
            }
            else
            {
                Parallel.For(0, _count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
                    Take,
                    (i, _, buffer) =>
                    {
                        slices[i] = Serialize(buffer, items[i]);
                        return buffer;
                    },
                    _buffers.Add);
            }
            for (var i = 0; i < _count; i++)
            {
                var (buffer, start, length) = slices[i];
                store.WriteSerialized(items[i].Key, buffer.WrittenSpan.Slice(start, length));
            }
        }
        finally
        {
            Clear();
        }
    }

    /// <summary>Forgets every queued value.</summary>
    public void Clear()
    {
        Array.Clear(_items, 0, _count);
        Array.Clear(_slices, 0, _count);
        _count = 0;
    }

    private ArrayBufferWriter<byte> Take() => _buffers.TryTake(out var kept) ? kept : new ArrayBufferWriter<byte>(1 << 16);

    private static (ArrayBufferWriter<byte>, int, int) Serialize(ArrayBufferWriter<byte> buffer, in Item item)
    {
        var start = buffer.WrittenCount;
        item.Write(buffer, item.Value);
        return (buffer, start, buffer.WrittenCount - start);
    }

    private readonly record struct Item(string Key, object Value, Action<IBufferWriter<byte>, object> Write);

    /// <summary>One serializer delegate per document type, so queuing a value allocates nothing.</summary>
    private static class Serializer<T>
    {
        public static readonly Action<IBufferWriter<byte>, object> Write =
            static (buffer, value) => MessagePackSerializer.Serialize(buffer, (T)value, StoreSerializer.Options);
    }
}
