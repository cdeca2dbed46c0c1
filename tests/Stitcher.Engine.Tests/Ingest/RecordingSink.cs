using Stitcher.Engine.Ingest;

namespace Stitcher.Engine.Tests.Ingest;

/// <summary>Keeps everything a reader hands over, in order.</summary>
public sealed class RecordingSink : IRawRecordSink
{
    public List<RawRecord> Records { get; } = [];

    public List<MalformedRow> Malformed { get; } = [];

    public void OnRecord(in RawRecord record) => Records.Add(record);

    public void OnMalformed(in MalformedRow row) => Malformed.Add(row);
}
