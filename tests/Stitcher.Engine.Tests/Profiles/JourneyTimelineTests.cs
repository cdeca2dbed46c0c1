using System.Text;
using MessagePack;
using Stitcher.Engine.Configuration;
using Stitcher.Engine.Profiles;
using Stitcher.Engine.Schema;
using Stitcher.Engine.Store;

namespace Stitcher.Engine.Tests.Profiles;

public sealed class JourneyTimelineTests
{
    private const string Relationship = "relationship & transactional";
    private const string Personal = "personal & social";
    private const string Situational = "situational / real-time";

    private static readonly long s_t0 = new DateTime(2026, 3, 1, 9, 0, 0, DateTimeKind.Utc).Ticks;

    private static readonly JourneyMap s_map = new(new JourneyOptions
    {
        ChannelStages = { ["pos"] = "Action", ["web"] = "Interest" },
        ChannelContexts = { ["crm"] = Relationship, ["pos"] = Relationship, ["social"] = Personal, ["web"] = Situational },
    });

    [Theory]
    [InlineData("web", "page_view", "Interest")]
    [InlineData("web", "PAGE_VIEW", "Interest")]
    [InlineData("crm", "Support_Ticket", "Maintenance")]
    [InlineData("pos", null, "Action")]
    [InlineData("POS", "", "Action")]
    [InlineData("pos", "return", "Maintenance")]
    [InlineData("pos", "void", "Action")]
    [InlineData("crm", null, null)]
    [InlineData("crm", "login", null)]
    public void StageOf_EventTypeThenChannel_CaseInsensitive(string channel, string? eventType, string? expected)
    {
        Assert.Equal(expected, s_map.StageOf(channel, eventType));
    }

    [Theory]
    [InlineData("crm", Relationship)]
    [InlineData("SOCIAL", Personal)]
    [InlineData("web", Situational)]
    [InlineData("email", null)]
    public void ContextOf_ConfiguredChannel_Category(string channel, string? expected)
    {
        Assert.Equal(expected, s_map.ContextOf(channel));
    }

    [Fact]
    public void JourneyMap_StageSpelledInOtherCase_ResolvesToConfiguredSpelling()
    {
        var map = new JourneyMap(new JourneyOptions { ChannelStages = { ["pos"] = "action" }, ChannelContexts = { ["crm"] = " Personal & Social " } });

        Assert.Equal("Action", map.StageOf("pos", null));
        Assert.Equal(Personal, map.ContextOf("crm"));
    }

    [Fact]
    public void Apply_EventTypes_CountsTouchpointsPerStage()
    {
        var timeline = Build(
            Record("web", "1", 0, "page_view"),
            Record("web", "2", 1, "product_view"),
            Record("web", "3", 2, "search"),
            Record("web", "4", 3, "add_to_cart"),
            Record("web", "5", 4, "purchase"),
            Record("crm", "6", 5, "login"));

        Assert.Equal(Counts(("Action", 1), ("Check", 1), ("Interest", 2), ("Search", 1)), Sorted(timeline.TouchpointsByStage));
        Assert.Equal("Action", timeline.CurrentStage);
    }

    [Fact]
    public void Apply_ChannelContexts_CountsTouchpointsPerContext()
    {
        var timeline = Build(
            Record("crm", "1", 0, null),
            Record("pos", "2", 1, null),
            Record("social", "3", 2, "social_post"),
            Record("web", "4", 3, "page_view"),
            Record("web", "5", 4, "page_view"),
            Record("email", "6", 5, "email_open"));

        Assert.Equal(Counts((Personal, 1), (Relationship, 2), (Situational, 2)), Sorted(timeline.TouchpointsByContext));
        Assert.Equal(Counts(("Action", 1), ("Interest", 3), ("Share", 1)), Sorted(timeline.TouchpointsByStage));
    }

    [Fact]
    public void Apply_LastTouchPerChannel_IsLatestTimestampWhateverTheOrder()
    {
        var timeline = Build(Record("web", "1", 10, "page_view"), Record("web", "2", 3, "search"), Record("crm", "3", 7, null));

        Assert.Equal(s_t0 + Minutes(10), timeline.LastTouchByChannel["web"]);
        Assert.Equal(s_t0 + Minutes(7), timeline.LastTouchByChannel["crm"]);
    }

    [Fact]
    public void Apply_OlderTouchpointArrivesLast_CurrentStageStaysWithLatest()
    {
        var timeline = Build(
            Record("web", "2", 5, "support_chat"),
            Record("web", "3", 9, "review"),
            Record("web", "1", 1, "purchase"),
            Record("crm", "4", 20, "login"));

        Assert.Equal("Share", timeline.CurrentStage);
        Assert.Equal(s_t0 + Minutes(9), timeline.CurrentStageTicks);
    }

    [Fact]
    public void Apply_TouchpointsAtSameInstant_LaterStageWins()
    {
        var forwards = Build(Record("web", "1", 5, "add_to_cart"), Record("pos", "2", 5, null), Record("web", "3", 5, "search"));
        var backwards = Build(Record("web", "3", 5, "search"), Record("pos", "2", 5, null), Record("web", "1", 5, "add_to_cart"));

        Assert.Equal("Action", forwards.CurrentStage);
        Assert.Equal(Snapshot(forwards), Snapshot(backwards));
    }

    [Fact]
    public void Apply_SameRecordTwice_CountsOnce()
    {
        var record = Record("web", "1", 0, "page_view");
        var timeline = Build(record, Record("crm", "2", 1, "purchase"));
        var before = Snapshot(timeline);

        JourneyTimeline.Apply(timeline, record, s_map);
        JourneyTimeline.Apply(timeline, Record("web", "1", 0, "page_view"), s_map);

        Assert.Equal(before, Snapshot(timeline));
        Assert.Equal(1, timeline.TouchpointsByStage["Interest"]);
        Assert.Equal(1, timeline.TouchpointsByContext[Situational]);
    }

    [Fact]
    public void Apply_SameRecordTwiceAfterStoreRoundTrip_CountsOnce()
    {
        var timeline = Build(Record("web", "1", 0, "page_view"), Record("pos", "2", 1, null));

        var restored = MessagePackSerializer.Deserialize<StoredTimeline>(MessagePackSerializer.Serialize(timeline, StoreSerializer.Options), StoreSerializer.Options);
        JourneyTimeline.Apply(restored, Record("web", "1", 0, "page_view"), s_map);
        JourneyTimeline.Apply(restored, Record("pos", "2", 1, null), s_map);

        Assert.Equal(Snapshot(timeline), Snapshot(restored));
        JourneyTimeline.Apply(restored, Record("web", "3", 2, "share"), s_map);
        Assert.Equal("Share", restored.CurrentStage);
        Assert.Equal(3, restored.TouchpointsByStage.Values.Sum());
    }

    [Fact]
    public void Apply_RecordResentWithOtherEventType_ReplacesItsTouchpoint()
    {
        var timeline = Build(Record("web", "1", 0, "page_view"), Record("web", "2", 5, "purchase"));

        JourneyTimeline.Apply(timeline, Record("web", "2", 5, "return"), s_map);

        Assert.Equal(Counts(("Interest", 1), ("Maintenance", 1)), Sorted(timeline.TouchpointsByStage));
        Assert.Equal("Maintenance", timeline.CurrentStage);
        Assert.Equal(Snapshot(Build(Record("web", "1", 0, "page_view"), Record("web", "2", 5, "return"))), Snapshot(timeline));
    }

    [Fact]
    public void Apply_LatestRecordResentWithEarlierTimestamp_LastTouchAndCurrentStageRecomputed()
    {
        var timeline = Build(Record("web", "1", 3, "search"), Record("web", "2", 8, "purchase"), Record("crm", "3", 6, null));

        JourneyTimeline.Apply(timeline, Record("web", "2", 1, "purchase"), s_map);

        Assert.Equal("Search", timeline.CurrentStage);
        Assert.Equal(s_t0 + Minutes(3), timeline.LastTouchByChannel["web"]);
        Assert.Equal(Snapshot(Build(Record("web", "1", 3, "search"), Record("web", "2", 1, "purchase"), Record("crm", "3", 6, null))), Snapshot(timeline));
    }

    [Fact]
    public void Apply_RecordResentWithoutStage_CurrentStageFallsBackToPreviousTouchpoint()
    {
        var timeline = Build(Record("web", "1", 3, "search"), Record("crm", "2", 8, "purchase"));

        JourneyTimeline.Apply(timeline, Record("crm", "2", 8, "login"), s_map);

        Assert.Equal("Search", timeline.CurrentStage);
        Assert.False(timeline.TouchpointsByStage.ContainsKey("Action"));
        Assert.Equal(s_t0 + Minutes(8), timeline.LastTouchByChannel["crm"]);
    }

    [Fact]
    public void Apply_NoEventType_UsesChannelDefaultStage()
    {
        var timeline = Build(Record("pos", "1", 0, null), Record("pos", "2", 1, ""));

        Assert.Equal(2, timeline.TouchpointsByStage["Action"]);
        Assert.Equal("Action", timeline.CurrentStage);
    }

    [Fact]
    public void Apply_NoStageAnywhere_CountsContextAndLastTouchOnly()
    {
        var timeline = Build(Record("crm", "1", 4, null));

        Assert.Empty(timeline.TouchpointsByStage);
        Assert.Null(timeline.CurrentStage);
        Assert.Equal(1, timeline.TouchpointsByContext[Relationship]);
        Assert.Equal(s_t0 + Minutes(4), timeline.LastTouchByChannel["crm"]);
    }

    [Fact]
    public void Apply_EventTypeOnlyInDisplay_StillCounted()
    {
        var record = Record("crm", "1", 0, null);
        record.Display[(int)CanonicalAttribute.EventType] = "Purchase";

        var timeline = Build(record);

        Assert.Equal("Action", timeline.CurrentStage);
    }

    [Fact]
    public void Merge_RandomSplitsAndOrders_EqualsOneTimelineOfAllRecords()
    {
        var random = new Random(20260301);
        string[] channels = ["web", "crm", "pos", "social", "email", "WEB"];
        string?[] events = [null, "", "page_view", "search", "compare", "purchase", "support_chat", "review", "login", "Add_To_Cart"];
        for (var iteration = 0; iteration < 300; iteration++)
        {
            var count = random.Next(1, 40);
            var records = new List<StoredRecord>(count);
            for (var i = 0; i < count; i++)
            {
                // Few distinct minutes, so ties at one instant are common.
                records.Add(Record(channels[random.Next(channels.Length)], i.ToString(System.Globalization.CultureInfo.InvariantCulture), random.Next(8), events[random.Next(events.Length)]));
            }
            var expected = Snapshot(Build([.. records]));

            for (var shuffle = 0; shuffle < 5; shuffle++)
            {
                var order = records.ToArray();
                random.Shuffle(order);
                Assert.Equal(expected, Snapshot(Build(order)));

                var parts = new List<StoredTimeline>();
                var start = 0;
                while (start < order.Length)
                {
                    var length = random.Next(1, order.Length - start + 1);
                    var part = new StoredTimeline();
                    for (var i = start; i < start + length; i++)
                    {
                        JourneyTimeline.Apply(part, order[i], s_map);
                        if (random.Next(4) == 0)
                        {
                            // A re-sent record never counts twice.
                            JourneyTimeline.Apply(part, order[i], s_map);
                        }
                    }
                    parts.Add(part);
                    start += length;
                }
                var shuffledParts = parts.ToArray();
                random.Shuffle(shuffledParts);
                var merged = shuffledParts[0];
                for (var i = 1; i < shuffledParts.Length; i++)
                {
                    if (random.Next(2) == 0)
                    {
                        JourneyTimeline.Merge(merged, shuffledParts[i]);
                    }
                    else
                    {
                        // Either side may survive a merge.
                        JourneyTimeline.Merge(shuffledParts[i], merged);
                        merged = shuffledParts[i];
                    }
                }
                Assert.Equal(expected, Snapshot(merged));
            }
        }
    }

    [Fact]
    public void Merge_SameRecordOnBothSides_KeepsLaterVersionWhicheverSurvives()
    {
        static (StoredTimeline Old, StoredTimeline New) Sides() =>
            (Build(Record("web", "1", 2, "search"), Record("crm", "2", 1, null)), Build(Record("web", "1", 6, "purchase")));

        var (oldA, newA) = Sides();
        JourneyTimeline.Merge(oldA, newA);
        var (oldB, newB) = Sides();
        JourneyTimeline.Merge(newB, oldB);

        Assert.Equal(Snapshot(oldA), Snapshot(newB));
        Assert.Equal(Counts(("Action", 1)), Sorted(oldA.TouchpointsByStage));
        Assert.Equal("Action", oldA.CurrentStage);
    }

    [Fact]
    public void Merge_EmptyTimelines_StaysEmpty()
    {
        var into = new StoredTimeline();

        JourneyTimeline.Merge(into, new StoredTimeline());

        Assert.Equal(Snapshot(new StoredTimeline()), Snapshot(into));
    }

    [Fact]
    public void ToContract_Timeline_CountsCurrentStageAndUtcLastTouch()
    {
        var timeline = Build(Record("web", "1", 0, "page_view"), Record("pos", "2", 30, null), Record("social", "3", 10, "review"));

        var contract = JourneyTimeline.ToContract(timeline);

        Assert.Equal(["Action", "Interest", "Share"], contract.TouchpointsByStage.Keys);
        Assert.Equal(1, contract.TouchpointsByStage["action"]);
        Assert.Equal(3, contract.TouchpointsByContext.Count);
        Assert.Equal(1, contract.TouchpointsByContext[Personal]);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 9, 30, 0, TimeSpan.Zero), contract.LastTouchByChannel["POS"]);
        Assert.Equal(TimeSpan.Zero, contract.LastTouchByChannel["web"].Offset);
        Assert.Equal("Action", contract.CurrentStage);
    }

    [Fact]
    public void ToContract_EmptyTimeline_NoStage()
    {
        var contract = JourneyTimeline.ToContract(new StoredTimeline());

        Assert.Empty(contract.TouchpointsByStage);
        Assert.Empty(contract.LastTouchByChannel);
        Assert.Null(contract.CurrentStage);
    }

    private static StoredTimeline Build(params StoredRecord[] records)
    {
        var timeline = new StoredTimeline();
        foreach (var record in records)
        {
            JourneyTimeline.Apply(timeline, record, s_map);
        }
        return timeline;
    }

    private static StoredRecord Record(string channel, string recordId, int minute, string? eventType)
    {
        var normalized = new string?[CanonicalAttributes.Count];
        normalized[(int)CanonicalAttribute.RecordId] = recordId;
        normalized[(int)CanonicalAttribute.EventType] = eventType;
        var display = (string?[])normalized.Clone();
        return new StoredRecord
        {
            Channel = channel,
            RecordId = recordId,
            TimestampUtcTicks = s_t0 + Minutes(minute),
            Display = display,
            Normalized = normalized,
        };
    }

    private static long Minutes(int minutes) => TimeSpan.FromMinutes(minutes).Ticks;

    private static List<(string, int)> Counts(params (string, int)[] counts) => [.. counts];

    private static List<(string, int)> Sorted(Dictionary<string, int> counts) =>
        [.. counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => (c.Key, c.Value))];

    /// <summary>Everything a timeline holds, in an order that does not depend on insertion order.</summary>
    private static string Snapshot(StoredTimeline timeline)
    {
        var text = new StringBuilder();
        foreach (var (stage, count) in timeline.TouchpointsByStage.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            text.Append("stage ").Append(stage).Append('=').Append(count).AppendLine();
        }
        foreach (var (context, count) in timeline.TouchpointsByContext.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            text.Append("context ").Append(context).Append('=').Append(count).AppendLine();
        }
        foreach (var (channel, ticks) in timeline.LastTouchByChannel.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            text.Append("last ").Append(channel).Append('=').Append(ticks).AppendLine();
        }
        text.Append("current ").Append(timeline.CurrentStage).Append('@').Append(timeline.CurrentStageTicks).Append('#').Append(timeline.CurrentStageRank).AppendLine();
        foreach (var (channel, records) in timeline.CountedRecords.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            foreach (var (recordId, touchpoint) in records.OrderBy(r => r.Key, StringComparer.Ordinal))
            {
                text.Append("record ").Append(channel).Append('|').Append(recordId).Append(' ').Append(touchpoint.TimestampUtcTicks)
                    .Append(' ').Append(touchpoint.Stage).Append('#').Append(touchpoint.StageRank).Append(' ').Append(touchpoint.Context).AppendLine();
            }
        }
        return text.ToString();
    }
}
