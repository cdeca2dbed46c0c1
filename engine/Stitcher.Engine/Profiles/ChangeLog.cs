using Stitcher.Engine.Store;

namespace Stitcher.Engine.Profiles;

/// <summary>
/// How the change log lies in the store. A flush appends thousands of change events, and one key per event made each
/// a store write of its own: a key, a log record and an index entry, about 0.5 s of CPU per million records. So the
/// log is cut into pages of <see cref="PageSize"/> sequence numbers, and a flush whose events start at the beginning
/// of a page writes its events in that page as one document. The rest keep one key each: the events a flush adds to a
/// page begun by an earlier flush (most events of single-record ingests). Writing reads nothing back, and a reader
/// looks for an event in its page first, then under its own key (where stores written before pages keep all of theirs),
/// and stops at the last committed sequence number. A flush that failed may have left events behind that the next
/// flush numbers again (the counters come back from the store): whichever flush writes a page's first event writes the
/// page document again, so a leftover page never hides them, and leftover single keys are overwritten or past the end.
/// </summary>
internal static class ChangeLog
{
    public const int PageSize = 256;

    private static long PageOf(long sequence) => (sequence - 1) / PageSize;

    private static bool StartsPage(long sequence) => (sequence - 1) % PageSize == 0;

    /// <summary>Queues <paramref name="events"/> (consecutive sequence numbers, oldest first) for writing.</summary>
    public static void Write(List<ChangeEvent> events, StoreWriteBatch writes)
    {
        var start = 0;
        while (start < events.Count)
        {
            var page = PageOf(events[start].Sequence);
            var end = start + 1;
            while (end < events.Count && PageOf(events[end].Sequence) == page)
            {
                end++;
            }
            if (StartsPage(events[start].Sequence))
            {
                writes.Add(StoreKeys.ChangePage(page), events.GetRange(start, end - start));
            }
            else
            {
                for (var i = start; i < end; i++)
                {
                    writes.Add(StoreKeys.Change(events[i].Sequence), events[i]);
                }
            }
            start = end;
        }
    }

    /// <summary>
    /// Adds the events after <paramref name="afterSequence"/> up to <paramref name="lastSequence"/> (the last committed
    /// one) to <paramref name="into"/>, oldest first, until it holds <paramref name="max"/>.
    /// </summary>
    public static void Read(KeyValueStore store, long afterSequence, long lastSequence, int max, List<ChangeEvent> into)
    {
        var loadedPage = long.MinValue;
        List<ChangeEvent>? page = null;
        for (var sequence = afterSequence + 1; sequence <= lastSequence && into.Count < max; sequence++)
        {
            if (PageOf(sequence) != loadedPage)
            {
                loadedPage = PageOf(sequence);
                page = store.TryRead<List<ChangeEvent>>(StoreKeys.ChangePage(loadedPage), out var events) ? events : null;
            }
            // A page document holds its page's first events, in order.
            var at = page is { Count: > 0 } ? sequence - page[0].Sequence : -1;
            if (at >= 0 && at < page!.Count)
            {
                into.Add(page[(int)at]);
            }
            else if (store.TryRead<ChangeEvent>(StoreKeys.Change(sequence), out var change))
            {
                into.Add(change);
            }
            else
            {
                return;
            }
        }
    }
}
