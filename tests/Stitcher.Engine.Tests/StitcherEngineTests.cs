using Stitcher.Engine.Pipeline;
using System.Text.Json;
using Stitcher.Engine.Configuration;
using Stitcher.Engine.Profiles;
using Stitcher.Plugins;

namespace Stitcher.Engine.Tests;

public sealed class StitcherEngineTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task RunOnce_RecordsSharingIdentifiersTransitively_LandInOneProfile()
    {
        // A–B share an email, B–C share a phone (written differently), D shares nothing.
        WriteCrm(
            "c1,Ann,Lee,ann@example.org,,2026-01-01T00:00:00Z",
            "c2,Ann,Lee,ANN@Example.org ,(415) 555-0132,2026-01-02T00:00:00Z",
            "c9,Bob,Stone,bob@example.org,,2026-01-03T00:00:00Z");
        WritePos("r1,,+1 415 555 0132,2026-02-01T00:00:00Z,");
        var sink = new ListSink();
        await using (var engine = NewEngine(sink))
        {
            var summary = await engine.RunOnceAsync();

            Assert.Equal(4, summary.RecordsRead);
            Assert.Equal(0, summary.RecordsRejected);
            Assert.Equal(2, summary.TotalProfiles);
            var ann = engine.FindProfileByRecord("crm", "c1");
            Assert.NotNull(ann);
            Assert.Equal(ann.Id, engine.FindProfileByRecord("crm", "c2")!.Id);
            Assert.Equal(ann.Id, engine.FindProfileByRecord("pos", "r1")!.Id);
            Assert.NotEqual(ann.Id, engine.FindProfileByRecord("crm", "c9")!.Id);
            Assert.Equal(3, ann.Records.Count);
            // Shown in the national format of the engine's region; the stored E.164 value stays in the lineage.
            Assert.Equal(("(415) 555-0132", "+14155550132"), (ann.Attributes["phone"].Value, ann.Attributes["phone"].Original));
            Assert.Equal("ann@example.org", ann.Attributes["email"].Value);
        }
        Assert.Equal(2, sink.Latest.Count);
        // The till record joined a profile read back from the store (linking skips its golden values): what the
        // sink got still has every golden value, not just the till record's phone.
        var delivered = sink.Latest.Values.Single(p => p.Records.Count == 3);
        Assert.Equal(("Ann", "ann@example.org", "+14155550132"),
            (delivered.Attributes["given_name"].Value, delivered.Attributes["email"].Value, delivered.Attributes["phone"].Original));
    }

    [Fact]
    public async Task RunOnce_BridgingRecordArrivesLater_MergesTwoProfilesAndRetiresOne()
    {
        WriteCrm(
            "c1,Ann,Lee,ann@example.org,,2026-01-01T00:00:00Z",
            "c2,Ann,Lee,,+14155550132,2026-01-02T00:00:00Z");
        var sink = new ListSink();
        await using var engine = NewEngine(sink);
        await engine.RunOnceAsync();
        var first = engine.FindProfileByRecord("crm", "c1")!.Id;
        var second = engine.FindProfileByRecord("crm", "c2")!.Id;
        Assert.NotEqual(first, second);

        File.AppendAllText(CrmPath, "c3,Ann,Lee,ann@example.org,415-555-0132,2026-01-03T00:00:00Z\r\n");
        var summary = await engine.RunOnceAsync();

        Assert.Equal(1, summary.RecordsRead);
        Assert.Equal(1, summary.ProfilesMerged);
        Assert.Equal(1, engine.TotalProfiles);
        var merged = engine.FindProfileByRecord("crm", "c3")!;
        Assert.Equal(3, merged.Records.Count);
        // The profile holding the smallest record key (c1) survives, whatever the ids look like.
        var (survivor, retired) = (first, second);
        Assert.Equal(survivor, merged.Id);
        Assert.Equal(survivor, engine.GetProfile(retired)!.Id);
        Assert.Contains(retired, sink.Retired);
        Assert.DoesNotContain(retired, sink.Latest.Keys);
    }

    [Fact]
    public async Task Restart_SameDataDirectory_FindsEveryProfileAndReadsNothingTwice()
    {
        WriteCrm(
            "c1,Ann,Lee,ann@example.org,,2026-01-01T00:00:00Z",
            "c2,Bob,Stone,bob@example.org,,2026-01-02T00:00:00Z");
        WritePos("r1,L1,+14155550132,2026-02-01T00:00:00Z,", "r2,L1,,2026-02-02T00:00:00Z,");
        var before = new Dictionary<string, string>();
        await using (var engine = NewEngine())
        {
            await engine.RunOnceAsync();
            foreach (var (channel, id) in AllRecords)
            {
                before[channel + "/" + id] = engine.FindProfileByRecord(channel, id)!.Id;
            }
        }

        await using (var reopened = NewEngine())
        {
            Assert.True(reopened.Recovered);
            Assert.Equal(3, reopened.TotalProfiles);
            Assert.Equal(4, reopened.TotalRecords);
            foreach (var (channel, id) in AllRecords)
            {
                Assert.Equal(before[channel + "/" + id], reopened.FindProfileByRecord(channel, id)!.Id);
            }
            var again = await reopened.RunOnceAsync();
            Assert.Equal(0, again.RecordsRead);
            Assert.Equal(4, reopened.TotalRecords);
        }
    }

    [Fact]
    public async Task RunOnce_SameDataInFreshStore_GivesSameProfileIds()
    {
        WriteCrm("c1,Ann,Lee,ann@example.org,,2026-01-01T00:00:00Z", "c2,Bob,Stone,bob@example.org,,2026-01-02T00:00:00Z");
        string firstRun;
        await using (var engine = NewEngine())
        {
            await engine.RunOnceAsync();
            firstRun = engine.FindProfileByRecord("crm", "c2")!.Id;
        }
        Directory.Delete(Path.Combine(_temp.Path, "data"), recursive: true);
        await using (var engine = NewEngine())
        {
            await engine.RunOnceAsync();
            Assert.Equal(firstRun, engine.FindProfileByRecord("crm", "c2")!.Id);
        }
    }

    [Fact]
    public async Task RunOnce_UnreadableRowAfterABadField_DeadLettersInLineOrder()
    {
        // One batch: a dropped phone on line 2, an unreadable row on line 3. A later process skips lines up to the
        // last one written (rows read again after a crash), so a file's dead letters must never go backwards.
        WriteCrm(
            "c1,Ann,Lee,ann@example.org,12,2026-01-01T00:00:00Z",
            "c2,too,few",
            "c3,Bad,Phone,phone@example.org,34,2026-01-01T00:00:00Z");
        await using var engine = NewEngine(configure: o => o.BatchSize = 100);

        await engine.RunOnceAsync();

        var lines = File.ReadAllLines(engine.DeadLetterPath("crm")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("line").GetInt64());
        Assert.Equal([2L, 3L, 4L], lines);
    }

    [Fact]
    public async Task RunOnce_MalformedAndInvalidRows_AreDeadLetteredAndTheRunGoesOn()
    {
        WriteCrm(
            "c1,Ann,Lee,ann@example.org,,2026-01-01T00:00:00Z",
            "c2,too,few",
            ",No,Id,noid@example.org,,2026-01-01T00:00:00Z",
            "c3,Bad,Time,bad@example.org,,yesterday-ish",
            "c4,Bad,Phone,phone@example.org,12,2026-01-01T00:00:00Z",
            "c5,Cy,Young,cy@example.org,,2026-01-01T00:00:00Z");
        await using var engine = NewEngine();

        var summary = await engine.RunOnceAsync();

        Assert.Equal(6, summary.RecordsRead);
        Assert.Equal(3, summary.RecordsRejected);
        Assert.Equal(1, summary.FieldsDropped);
        Assert.NotNull(engine.FindProfileByRecord("crm", "c5"));
        var phoneless = engine.FindProfileByRecord("crm", "c4")!;
        Assert.False(phoneless.Attributes.ContainsKey("phone"));
        var entries = File.ReadAllLines(engine.DeadLetterPath("crm")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(4, entries.Count);
        Assert.All(entries, e => Assert.Equal(CrmPath, e.GetProperty("file").GetString()));
        var byLine = entries.ToDictionary(e => e.GetProperty("line").GetInt64());
        Assert.Equal("malformed", byLine[3].GetProperty("kind").GetString());
        Assert.Equal("id", byLine[4].GetProperty("field").GetString());
        Assert.Equal("updated", byLine[5].GetProperty("field").GetString());
        Assert.Equal("rejected", byLine[5].GetProperty("kind").GetString());
        Assert.Equal("phone", byLine[6].GetProperty("field").GetString());
        Assert.Equal("field_dropped", byLine[6].GetProperty("kind").GetString());
    }

    [Fact]
    public async Task RunOnce_GoldenValues_MostRecentWinsAndTiesGoToHigherPriorityChannel()
    {
        WriteCrm(
            "c1,Ann,Lee,ann@example.org,+14155550100,2026-01-01T00:00:00Z",
            "c2,Anne,Lee,ann@example.org,,2026-03-01T00:00:00Z");
        // Same instant as c2: crm (priority 30) beats pos (priority 20) on the name.
        WritePos("r1,L1,+14155550100,2026-03-01T00:00:00Z,Annie Lee");
        await using var engine = NewEngine();

        await engine.RunOnceAsync();

        var profile = engine.FindProfileByRecord("crm", "c1")!;
        Assert.Equal("Anne", profile.Attributes["given_name"].Value);
        Assert.Equal("c2", profile.Attributes["given_name"].RecordId);
        Assert.Equal("+14155550100", profile.Attributes["phone"].Original);
        Assert.Equal("pos", profile.Attributes["phone"].Channel);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), profile.FirstSeen);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), profile.LastSeen);
    }

    [Fact]
    public async Task RunOnce_FileLacksAMappedColumn_IsReportedAndOtherChannelsGoOn()
    {
        File.WriteAllText(CrmPath, "id,first,last,email,updated\nc1,Ann,Lee,ann@example.org,2026-01-01T00:00:00Z\n");
        WritePos("r1,L1,+14155550132,2026-02-01T00:00:00Z,");
        await using var engine = NewEngine();

        var summary = await engine.RunOnceAsync();

        Assert.Equal(1, summary.FilesFailed);
        Assert.Null(engine.FindProfileByRecord("crm", "c1"));
        Assert.NotNull(engine.FindProfileByRecord("pos", "r1"));
        var entry = JsonDocument.Parse(File.ReadAllLines(engine.DeadLetterPath("crm")).Single()).RootElement;
        Assert.Equal("file_rejected", entry.GetProperty("kind").GetString());
        Assert.Equal("phone", entry.GetProperty("field").GetString());
    }

    [Fact]
    public async Task RunOnce_HouseholdLandline_DoesNotLinkDifferentPeopleAndExplainShowsTheRefusal()
    {
        // Ann and her husband Bob share the landline; Ann's second record shares it too and is Ann.
        WriteCrm(
            "c1,Ann,Lee,ann@example.org,+14155550132,2026-01-01T00:00:00Z",
            "c2,Bob,Lee,bob@example.org,+14155550132,2026-01-02T00:00:00Z",
            "c3,Annie,Lee,,+14155550132,2026-01-03T00:00:00Z");
        await using var engine = NewEngine();

        await engine.RunOnceAsync();

        var ann = engine.FindProfileIdByRecord("crm", "c1");
        Assert.NotEqual(ann, engine.FindProfileIdByRecord("crm", "c2"));
        var explanation = engine.ExplainRecord("crm", "c2")!;
        var bob = Assert.Single(explanation.Members);
        var refusal = Assert.Single(bob.Evidence, e => e.Kind == "refused");
        Assert.Equal("phone", refusal.Rule);
        Assert.Equal("crm:c1", refusal.OtherRecord);
        // Once two different people share it, the landline links nobody, not even Ann's own later record.
        Assert.NotEqual(ann, engine.FindProfileIdByRecord("crm", "c3"));
    }

    [Theory]
    [InlineData("c1", "c2", "c3")]
    [InlineData("c1", "c3", "c2")]
    [InlineData("c3", "c1", "c2")]
    [InlineData("c2", "c3", "c1")]
    public async Task RunOnce_HouseholdLandlineInAnyOrder_SameProfiles(string first, string second, string third)
    {
        var rows = new Dictionary<string, string>
        {
            ["c1"] = "c1,Ann,Lee,,+14155550132,2026-01-01T00:00:00Z",
            ["c2"] = "c2,Bob,Lee,,+14155550132,2026-01-02T00:00:00Z",
            ["c3"] = "c3,Annie,Lee,,+14155550132,2026-01-03T00:00:00Z",
        };
        WriteCrm(rows[first], rows[second], rows[third]);
        await using var engine = NewEngine();

        await engine.RunOnceAsync();

        // The landline is shared by two different people, so it links nobody, whichever record came first.
        var ids = new[] { "c1", "c2", "c3" }.Select(id => engine.FindProfileIdByRecord("crm", id)).Distinct().Count();
        Assert.Equal(3, ids);
        Assert.Equal(3, engine.TotalProfiles);
    }

    [Fact]
    public async Task Explain_Profile_ListsMembersEvidenceAndLineage()
    {
        WriteCrm(
            "c1,Ann,Lee,ann@example.org,,2026-01-01T00:00:00Z",
            "c2,Anne,Lee,ann@example.org,+14155550132,2026-02-01T00:00:00Z");
        WritePos("r1,,+1 415 555 0132,2026-03-01T00:00:00Z,");
        await using var engine = NewEngine();
        await engine.RunOnceAsync();

        var explanation = engine.ExplainRecord("pos", "r1")!;

        Assert.Equal(3, explanation.Members.Count);
        var byRecord = explanation.Members.ToDictionary(m => $"{m.Channel}:{m.RecordId}");
        Assert.Empty(byRecord["crm:c1"].Evidence);
        Assert.Equal("email", Assert.Single(byRecord["crm:c2"].Evidence).Rule);
        var phone = Assert.Single(byRecord["pos:r1"].Evidence);
        Assert.Equal(("identifier", "phone", "crm:c2", "+14155550132"), (phone.Kind, phone.Rule, phone.OtherRecord, phone.Value));
        var givenNames = explanation.Profile.Values["given_name"];
        Assert.Equal(["Anne", "Ann"], givenNames.Select(v => v.Value));
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), givenNames[1].FirstSeen);
        Assert.Equal(2, explanation.Profile.Values["email"].Single().Count);
        Assert.Equal(explanation.Profile.Id, phone.OtherProfile);
        Assert.Equal(("Anne", "crm", "c2"), (explanation.Profile.Attributes["given_name"].Value, explanation.Profile.Attributes["given_name"].Channel, explanation.Profile.Attributes["given_name"].RecordId));
        Assert.Equal(CrmPath, byRecord["crm:c2"].SourceFile);
        Assert.Equal(3, byRecord["crm:c2"].SourceLine);
    }

    [Fact]
    public async Task RunOnce_SameRecordsInAnyOrder_GiveTheSameClustersAndIds()
    {
        // Chains and stars of shared identifiers, so that arrival order decides which profiles form first and merge.
        string[] rows =
        [
            "c1,Ann,Lee,ann@example.org,,2026-01-01T00:00:00Z",
            "c2,Ann,Lee,,+14155550132,2026-01-02T00:00:00Z",
            "c3,Ann,Lee,ann@example.org,+14155550132,2026-01-03T00:00:00Z",
            "c4,Bob,Stone,bob@example.org,,2026-01-04T00:00:00Z",
            "c5,Bob,Stone,robert@example.org,+14155550177,2026-01-05T00:00:00Z",
            "c6,Bob,Stone,bob@example.org,+14155550177,2026-01-06T00:00:00Z",
            "c7,Cy,Young,cy@example.org,,2026-01-07T00:00:00Z",
            "c8,Dee,Park,dee@example.org,+14155550188,2026-01-08T00:00:00Z",
            "c9,Dee,Park,,+14155550188,2026-01-09T00:00:00Z",
        ];
        Dictionary<string, string>? expected = null;
        var random = new Random(17);
        for (var run = 0; run < 12; run++)
        {
            var shuffled = rows.OrderBy(_ => random.Next()).ToArray();
            WriteCrm(shuffled);
            var data = Path.Combine(_temp.Path, "data");
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
            await using var engine = NewEngine();
            await engine.RunOnceAsync();
            var assignment = rows.Select(r => r[..r.IndexOf(',')]).ToDictionary(id => id, id => engine.FindProfileIdByRecord("crm", id)!);
            Assert.Equal(4, assignment.Values.Distinct().Count());
            if (expected is null)
            {
                expected = assignment;
            }
            else
            {
                Assert.Equal(expected, assignment);
            }
        }
    }

    [Fact]
    public async Task ReadChanges_CreateUpdateAndMerge_AreLoggedInOrderAndNameBothIds()
    {
        WriteCrm(
            "c1,Ann,Lee,ann@example.org,,2026-01-01T00:00:00Z",
            "c2,Ann,Lee,,+14155550132,2026-01-02T00:00:00Z");
        await using var engine = NewEngine();
        await engine.RunOnceAsync();
        var first = engine.FindProfileIdByRecord("crm", "c1")!;
        var second = engine.FindProfileIdByRecord("crm", "c2")!;
        var created = engine.ReadChanges();
        Assert.Equal([1L, 2L], created.Select(c => c.Sequence));
        Assert.All(created, c => Assert.Equal(ChangeEventType.ProfileCreated, c.Type));
        Assert.Equal(new[] { first, second }.Order(), created.Select(c => c.ProfileId).Order());

        File.AppendAllText(CrmPath, "c3,Ann,Lee,ann@example.org,+14155550132,2026-01-03T00:00:00Z\r\n");
        await engine.RunOnceAsync();

        var later = engine.ReadChanges(afterSequence: 2);
        var merged = Assert.Single(later, c => c.Type == ChangeEventType.ProfileMerged);
        Assert.Equal((first, second), (merged.ProfileId, merged.RelatedProfileId));
        var updated = Assert.Single(later, c => c.Type == ChangeEventType.ProfileUpdated);
        // A profile's version is the sequence number of its latest change.
        Assert.Equal((first, updated.Sequence), (updated.ProfileId, updated.Version));
        Assert.True(merged.Sequence < updated.Sequence);
        Assert.Empty(engine.ReadChanges(afterSequence: updated.Sequence));
    }

    [Fact]
    public async Task UpdatedRecord_NoLongerBridges_ProfileSplitsAndUnrelatedProfilesAreUntouched()
    {
        // c2 bridges c1 (email) and c3 (phone); c9 is somebody else.
        WriteCrm(
            "c1,Ann,Lee,ann@example.org,,2026-01-01T00:00:00Z",
            "c2,Ann,Lee,ann@example.org,+14155550132,2026-01-02T00:00:00Z",
            "c3,Ann,Lee,,+14155550132,2026-01-03T00:00:00Z",
            "c9,Bob,Stone,bob@example.org,,2026-01-04T00:00:00Z");
        var sink = new ListSink();
        await using var engine = NewEngine(sink);
        await engine.RunOnceAsync();
        var merged = engine.FindProfileIdByRecord("crm", "c1")!;
        Assert.Equal(merged, engine.FindProfileIdByRecord("crm", "c3"));
        var bob = engine.Explain(engine.FindProfileIdByRecord("crm", "c9")!)!.Profile;
        var sequenceBefore = engine.ReadChanges().Last().Sequence;

        // c2 is re-sent with a corrected email and without the phone.
        File.AppendAllText(CrmPath, "c2,Ann,Lee,ann.lee@work.example,,2026-02-01T00:00:00Z\r\n");
        await engine.RunOnceAsync();

        Assert.Equal(merged, engine.FindProfileIdByRecord("crm", "c1"));
        var split = engine.FindProfileIdByRecord("crm", "c3")!;
        Assert.NotEqual(merged, split);
        // c1, c3 and the new c2 are three profiles now, and Bob is the fourth.
        Assert.Equal(4, engine.TotalProfiles);
        Assert.Single(engine.Explain(merged)!.Members);
        Assert.Equal(4, engine.TotalRecords);
        var changes = engine.ReadChanges(sequenceBefore);
        Assert.Contains(changes, c => c.Type == ChangeEventType.ProfileSplit && c.ProfileId == merged);
        Assert.DoesNotContain(changes, c => c.ProfileId == bob.Id);
        Assert.Equal("+14155550132", sink.Latest[split].Attributes["phone"].Original);
        Assert.False(sink.Latest[merged].Attributes.ContainsKey("phone"));
    }

    [Fact]
    public async Task PhoneInAnUnassignedAreaCode_IsKeptUnverifiedCountedAndLinks()
    {
        WriteCrm("c1,Ann,Lee,,(498) 823-2993,2026-01-01T00:00:00Z", "c2,Ann,Lee,,498.823.2993,2026-01-02T00:00:00Z");
        await using var engine = NewEngine();

        var summary = await engine.RunOnceAsync();

        // Nothing but the name and the phone is shared: the phone rule linked them.
        Assert.Equal(engine.FindProfileIdByRecord("crm", "c1"), engine.FindProfileIdByRecord("crm", "c2"));
        Assert.Equal(2, summary.ValuesUnverified["phone"]);
        Assert.Equal(0, summary.FieldsDropped);
        Assert.False(File.Exists(engine.DeadLetterPath("crm")) && File.ReadAllText(engine.DeadLetterPath("crm")).Contains("phone", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GoldenNames_AreTidiedForPeopleAndKeepTheSourceSpellingInTheLineage()
    {
        WriteCrm("c1,LINDA,o'brien,linda@example.org,,2026-01-01T00:00:00Z");
        await using var engine = NewEngine();
        await engine.RunOnceAsync();

        var profile = engine.FindProfileByRecord("crm", "c1")!;

        Assert.Equal(("Linda", "LINDA"), (profile.Attributes["given_name"].Value, profile.Attributes["given_name"].Original));
        Assert.Equal(("O'Brien", "o'brien"), (profile.Attributes["surname"].Value, profile.Attributes["surname"].Original));
        Assert.Null(profile.Attributes["email"].Original);
        // Every value as the records carried it.
        Assert.Equal("LINDA", Assert.Single(profile.Values!["given_name"]).Value);
    }

    [Fact]
    public async Task SecondEngineOnOneDataDirectory_IsRefusedUntilTheFirstIsDisposed()
    {
        WriteCrm("c1,Ann,Lee,ann@example.org,,2026-01-01T00:00:00Z");
        var first = NewEngine();
        await first.RunOnceAsync();

        var refused = Assert.Throws<Stitcher.Engine.Store.DataDirectoryInUseException>(() => NewEngine());

        Assert.Contains($"process {Environment.ProcessId}", refused.Holder, StringComparison.Ordinal);
        Assert.Equal(1, first.TotalRecords);
        await first.DisposeAsync();
        await using var second = NewEngine();
        Assert.Equal(1, second.TotalRecords);
    }

    [Fact]
    public async Task ChannelFileWithCarriageReturnOnlyLines_FailsTheFileInsteadOfLoadingNothingSilently()
    {
        File.WriteAllText(CrmPath, EngineFixture.CrmHeader + "\rc1,Ann,Lee,ann@example.org,,2026-01-01T00:00:00Z\r");
        await using var engine = NewEngine();

        var summary = await engine.RunOnceAsync();

        Assert.Equal(1, summary.FilesFailed);
        Assert.True(summary.HasFailures);
        Assert.Equal(0, engine.TotalRecords);
    }

    [Fact]
    public async Task EmailThatLostItsAt_IsRepairedUnverifiedAndLinks()
    {
        WriteCrm("c1,Amy,Hart,ahart@outlook.com,,2026-01-01T00:00:00Z", "c2,Amy,Hart,AHARToutlook.com,,2026-01-02T00:00:00Z");
        await using var engine = NewEngine();

        var summary = await engine.RunOnceAsync();

        Assert.Equal(engine.FindProfileIdByRecord("crm", "c1"), engine.FindProfileIdByRecord("crm", "c2"));
        Assert.Equal(1, summary.ValuesUnverified["email"]);
        Assert.Equal(0, summary.FieldsDropped);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RecordSentInTwoVersions_TheLaterTimestampWinsInEitherOrder(bool newerFirst)
    {
        const string Older = "c1,Ann,Lee,ann@example.org,,2026-01-01T00:00:00Z";
        const string Newer = "c1,Ann,Lee,ann.lee@work.example,+14155550132,2026-03-01T00:00:00Z";
        WriteCrm(newerFirst ? Newer : Older, "c2,Ann,Lee,,+14155550132,2026-01-02T00:00:00Z");
        await using var engine = NewEngine();
        await engine.RunOnceAsync();
        File.AppendAllText(CrmPath, (newerFirst ? Older : Newer) + "\r\n");
        await engine.RunOnceAsync();

        var profile = engine.FindProfileByRecord("crm", "c1")!;
        Assert.Equal("ann.lee@work.example", profile.Attributes["email"].Value);
        // The newer version's phone joins c2.
        Assert.Equal(engine.FindProfileIdByRecord("crm", "c1"), engine.FindProfileIdByRecord("crm", "c2"));
        Assert.Equal(2, engine.TotalRecords);
    }

    [Fact]
    public async Task IngestRecord_OneRecordAtATime_JoinsTheProfileOfItsPhoneAndSurvivesAReopen()
    {
        WriteCrm("c1,Ann,Lee,ann@example.org,+14155550132,2026-01-01T00:00:00Z", "c9,Bob,Stone,bob@example.org,,2026-01-04T00:00:00Z");
        var sink = new ListSink();
        string ann;
        await using (var engine = NewEngine(sink))
        {
            await engine.RunOnceAsync();
            ann = engine.FindProfileIdByRecord("crm", "c1")!;

            var result = await engine.IngestRecordAsync("pos", new Dictionary<string, string?>
            {
                ["receipt"] = "r1", ["phone"] = "(415) 555-0132", ["name"] = "Ann Lee", ["at"] = "2026-03-01T10:00:00Z", ["unmapped"] = "ignored",
            });

            Assert.Equal(new RecordIngestResult(true, ann, false, []), result with { Issues = [] });
            Assert.Empty(result.Issues);
            Assert.Equal(ann, engine.FindProfileIdByRecord("pos", "r1"));
            Assert.Equal(3, engine.TotalRecords);

            // The same record again changes nothing and still says where it is.
            var again = await engine.IngestRecordAsync("pos", new Dictionary<string, string?>
            {
                ["receipt"] = "r1", ["phone"] = "(415) 555-0132", ["name"] = "Ann Lee", ["at"] = "2026-03-01T10:00:00Z",
            });
            Assert.True(again.Unchanged);
            Assert.Equal(ann, again.ProfileId);
            await engine.CheckpointAsync();
        }

        await using var reopened = NewEngine();
        Assert.Equal(ann, reopened.FindProfileIdByRecord("pos", "r1"));
        Assert.Contains("r1", sink.Latest[ann].Records.Select(r => r.RecordId));
    }

    [Fact]
    public async Task IngestRecord_WithoutATimestampOrWithABadValue_TakesNowAndNamesTheDroppedField()
    {
        await using var engine = NewEngine();

        var result = await engine.IngestRecordAsync("crm", new Dictionary<string, string?>
        {
            // Field names match as CSV columns do, whatever their case.
            ["id"] = "c5", ["First"] = "Mia", ["LAST"] = "Park", ["email"] = "not-an-email",
        });

        Assert.True(result.Accepted);
        Assert.NotNull(result.ProfileId);
        Assert.Contains(result.Issues, i => i.StartsWith("email:", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Issues, i => i.Contains("not-an-email", StringComparison.Ordinal));
        var record = engine.ExplainRecord("crm", "c5")!;
        var profile = engine.GetProfile(result.ProfileId)!;
        Assert.Equal(DateTimeOffset.UtcNow.Date, profile.LastSeen.UtcDateTime.Date);
        Assert.Equal("Mia", profile.Attributes["given_name"].Value);
        Assert.Equal("Park", profile.Attributes["surname"].Value);
        Assert.NotNull(record);
        await Assert.ThrowsAsync<ArgumentException>(() => engine.IngestRecordAsync("nope", new Dictionary<string, string?>()));
    }

    [Fact]
    public async Task DeleteRecord_LastRecordOfItsProfile_ProfileIsDeletedEverywhere()
    {
        WriteCrm("c1,Ann,Lee,ann@example.org,,2026-01-01T00:00:00Z", "c9,Bob,Stone,bob@example.org,,2026-01-04T00:00:00Z");
        var sink = new ListSink();
        await using var engine = NewEngine(sink);
        await engine.RunOnceAsync();
        var ann = engine.FindProfileIdByRecord("crm", "c1")!;

        Assert.True(await engine.DeleteRecordAsync("crm", "c1"));
        await engine.DrainSinksAsync();

        Assert.Null(engine.FindProfileIdByRecord("crm", "c1"));
        Assert.Null(engine.GetProfile(ann));
        Assert.Equal((1L, 1L), (engine.TotalProfiles, engine.TotalRecords));
        Assert.Contains(ann, sink.Retired);
        Assert.Equal(ChangeEventType.ProfileDeleted, engine.ReadChanges().Last().Type);
        Assert.False(await engine.DeleteRecordAsync("crm", "c1"));
    }

    [Fact]
    public async Task Link_RecordBridgingTwoProfilesOfDifferentPeople_JoinsOnlyTheCompatibleOne()
    {
        // Even with the phone trusted without limit, a record cannot join Ann (1980) to Zed (1955).
        File.WriteAllText(CrmPath, "id,first,last,email,phone,dob,updated\r\n"
            + "c1,Ann,Lee,ann@example.org,,1980-01-01,2026-01-01T00:00:00Z\r\n"
            + "c2,Zed,Kim,,+14155550132,1955-05-05,2026-01-02T00:00:00Z\r\n"
            + "c3,Ann,Lee,ann@example.org,+14155550132,1980-01-01,2026-01-03T00:00:00Z\r\n");
        await using var engine = NewEngine(configure: options =>
        {
            options.Channels["crm"].Mapping["date_of_birth"] = "dob";
            options.Rules[1].MaxPeople = 0;
        });

        await engine.RunOnceAsync();

        Assert.Equal(engine.FindProfileIdByRecord("crm", "c1"), engine.FindProfileIdByRecord("crm", "c3"));
        var zed = engine.FindProfileIdByRecord("crm", "c2");
        Assert.NotEqual(zed, engine.FindProfileIdByRecord("crm", "c3"));
        var refusal = Assert.Single(engine.ExplainRecord("crm", "c3")!.Members.Single(m => m.RecordId == "c3").Evidence, e => e.Kind == "refused");
        Assert.Equal(zed, refusal.OtherProfile);
    }

    [Fact]
    public async Task StitchedProfile_CarriesJourneyTimelineAndB2BAccounts()
    {
        WriteCrm("c1,Ann,Lee,ann@acme-industries.example,+14155550132,2026-01-01T00:00:00Z");
        WritePos("r1,,+14155550132,2026-02-01T00:00:00Z,", "r2,,+14155550132,2026-03-01T00:00:00Z,");
        await using var engine = NewEngine(configure: options =>
        {
            options.Journey.ChannelStages["pos"] = "Action";
            options.Journey.ChannelContexts["pos"] = "relationship & transactional";
        });

        await engine.RunOnceAsync();

        var profile = engine.FindProfileByRecord("crm", "c1")!;
        Assert.NotNull(profile.Timeline);
        Assert.Equal(2, profile.Timeline!.TouchpointsByStage["Action"]);
        Assert.Equal(2, profile.Timeline.TouchpointsByContext["relationship & transactional"]);
        Assert.Equal("Action", profile.Timeline.CurrentStage);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), profile.Timeline.LastTouchByChannel["pos"]);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), profile.Timeline.LastTouchByChannel["crm"]);
        Assert.Contains("domain:acme-industries.example", profile.Accounts);
    }

    [Fact]
    public async Task ProfilesInAccount_ContactsByBusinessDomain_ListsThemButNotFreeMailUsers()
    {
        WriteCrm(
            "c1,Ann,Lee,ann@acme-industries.example,,2026-01-01T00:00:00Z",
            "c2,Bob,Stone,bob@acme-industries.example,,2026-01-02T00:00:00Z",
            "c3,Cy,Young,cy@gmail.com,,2026-01-03T00:00:00Z");
        await using var engine = NewEngine();
        await engine.RunOnceAsync();

        var contacts = engine.ProfilesInAccount("domain:acme-industries.example");

        Assert.Equal(2, contacts.Count);
        Assert.Equal(
            new[] { engine.FindProfileIdByRecord("crm", "c1"), engine.FindProfileIdByRecord("crm", "c2") }.Order(StringComparer.Ordinal),
            contacts.Select(c => c.Id));
        Assert.Empty(engine.ProfilesInAccount("domain:gmail.com"));
    }

    [Fact]
    public async Task IngestFile_Progress_ReportedPerBatchUpToTheWholeFile()
    {
        WriteCrm();
        var extra = Path.Combine(_temp.Path, "extra.csv");
        File.WriteAllText(extra, CrmHeader + "\n" + string.Concat(Enumerable.Range(0, 7).Select(i => $"x{i},Dee,Park,dee{i}@example.org,,2026-05-01T00:00:00Z\n")));
        await using var engine = NewEngine();
        var reports = new List<Stitcher.Engine.Pipeline.IngestProgress>();
        engine.Progress = new SynchronousProgress(reports.Add);

        await engine.IngestFileAsync("crm", extra);

        // Batch size 2: after rows 2, 4, 6 and the last one.
        Assert.Equal([2L, 4L, 6L, 7L], reports.Select(r => r.RecordsRead));
        Assert.True(reports.Zip(reports.Skip(1)).All(pair => pair.First.BytesRead < pair.Second.BytesRead));
        Assert.Equal(new FileInfo(extra).Length, reports[^1].BytesRead);
        Assert.All(reports, r => Assert.Equal(new FileInfo(extra).Length, r.FileBytes));
        Assert.All(reports, r => Assert.Equal(0, r.RecordsRejected));
    }

    [Fact]
    public async Task IngestFile_LastBatchRejectsARow_TheLastProgressReportCountsIt()
    {
        // Rejects are counted when their batch is linked, after the end-of-file report: one more report follows.
        WriteCrm();
        var extra = Path.Combine(_temp.Path, "extra.csv");
        File.WriteAllText(extra, CrmHeader + "\nx0,Dee,Park,dee0@example.org,,2026-05-01T00:00:00Z\nx1,Dee,Park,dee1@example.org,,not-a-time\n");
        await using var engine = NewEngine(configure: o => o.BatchSize = 10);
        var reports = new List<Stitcher.Engine.Pipeline.IngestProgress>();
        engine.Progress = new SynchronousProgress(reports.Add);

        var summary = await engine.IngestFileAsync("crm", extra);

        Assert.Equal(1, summary.RecordsRejected);
        Assert.Equal([(2L, 0L), (2L, 1L)], reports.Select(r => (r.RecordsRead, r.RecordsRejected)));
    }

    [Fact]
    public async Task Progress_ReportThrowsAtTheEndOfAFile_LastBatchIsStillLinkedBeforeTheCallReturns()
    {
        // Batches of two: the end of the file stages [c3] and links [c1, c2]; then the caller's progress report throws.
        WriteCrm(
            "c1,Ann,Lee,ann@example.org,,2026-01-01T00:00:00Z",
            "c2,Bob,Ray,bob@example.org,,2026-01-02T00:00:00Z",
            "c3,Cy,Ng,cy@example.org,,2026-01-03T00:00:00Z");
        await using var engine = NewEngine();
        var reports = 0;
        engine.Progress = new SynchronousProgress(_ =>
        {
            if (++reports == 2)
            {
                throw new InvalidOperationException("progress display failed");
            }
        });

        await Assert.ThrowsAsync<InvalidOperationException>(() => engine.RunOnceAsync());
        engine.Progress = null;

        // c3 was linked and its progress saved before the call returned: an update given later through the API is not
        // overwritten by the file's older version when the engine goes on.
        Assert.NotNull(engine.FindProfileIdByRecord("crm", "c3"));
        await engine.IngestRecordAsync("crm", new Dictionary<string, string?>
        {
            ["id"] = "c3", ["first"] = "Cy", ["last"] = "Ng", ["email"] = "cy.ng@example.org", ["updated"] = "2026-02-01T00:00:00Z",
        });
        var summary = await engine.RunOnceAsync();

        Assert.Equal(0, summary.RecordsRead);
        Assert.Equal("cy.ng@example.org", engine.FindProfileByRecord("crm", "c3")!.Attributes["email"].Value);
        Assert.Equal(3, engine.TotalRecords);
    }

    private sealed class SynchronousProgress(Action<Stitcher.Engine.Pipeline.IngestProgress> report) : IProgress<Stitcher.Engine.Pipeline.IngestProgress>
    {
        public void Report(Stitcher.Engine.Pipeline.IngestProgress value) => report(value);
    }

    [Fact]
    public async Task FailedBatch_EngineStopsWithoutCheckpoint_ReopenRecoversAndReadsTheBatchAgain()
    {
        WriteCrm("c1,Ann,Lee,ann@example.org,,2026-01-01T00:00:00Z");
        var annId = "";
        await using (var engine = NewEngine())
        {
            await engine.RunOnceAsync();
            annId = engine.FindProfileIdByRecord("crm", "c1")!;
            DamageProfile(engine, annId);
            File.AppendAllText(CrmPath, "c2,Cy,Young,cy@example.org,,2026-01-02T00:00:00Z\r\nc3,Ann,Lee,ann@example.org,,2026-01-03T00:00:00Z\r\n");

            await Assert.ThrowsAnyAsync<Exception>(() => engine.RunOnceAsync());
            var stopped = await Assert.ThrowsAsync<InvalidOperationException>(() => engine.RunOnceAsync());
            Assert.Contains("failed batch", stopped.Message);
        }

        await using var reopened = NewEngine();

        // The damage and the half-done batch are gone with the unsaved log; the batch is read again, whole.
        Assert.Equal(1, reopened.TotalRecords);
        var summary = await reopened.RunOnceAsync();
        Assert.Equal(2, summary.RecordsRead);
        Assert.Equal(annId, reopened.FindProfileIdByRecord("crm", "c3"));
        Assert.NotNull(reopened.FindProfileIdByRecord("crm", "c2"));
        Assert.Equal(3, reopened.TotalRecords);
    }

    [Fact]
    public async Task FailedBatch_WhileTheNextIsBeingScored_NextIsDroppedAndBothAreReadAgain()
    {
        // Batches of one row: the failing row is linked while the row after it is already normalized and scored.
        WriteCrm("c1,Ann,Lee,ann@example.org,,2026-01-01T00:00:00Z");
        var annId = "";
        await using (var engine = NewEngine(configure: o => o.BatchSize = 1))
        {
            await engine.RunOnceAsync();
            annId = engine.FindProfileIdByRecord("crm", "c1")!;
            DamageProfile(engine, annId);
            // c2's phone is dead-lettered when its batch is read, before the batch ahead of it fails.
            File.AppendAllText(CrmPath, "c3,Ann,Lee,ann@example.org,,2026-01-03T00:00:00Z\r\nc2,Cy,Young,cy@example.org,12,2026-01-02T00:00:00Z\r\nc4,Dee,Park,dee@example.org,,2026-01-04T00:00:00Z\r\n");

            await Assert.ThrowsAnyAsync<Exception>(() => engine.RunOnceAsync());
            Assert.Throws<InvalidOperationException>(() => engine.FindProfileIdByRecord("crm", "c2"));
        }

        await using var reopened = NewEngine(configure: o => o.BatchSize = 1);

        Assert.Equal(1, reopened.TotalRecords);
        var summary = await reopened.RunOnceAsync();
        Assert.Equal(3, summary.RecordsRead);
        Assert.Equal(annId, reopened.FindProfileIdByRecord("crm", "c3"));
        Assert.NotNull(reopened.FindProfileIdByRecord("crm", "c2"));
        Assert.Equal(4, reopened.TotalRecords);
        // Read twice, dead-lettered once.
        var deadLetters = File.ReadAllLines(reopened.DeadLetterPath("crm")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([(4L, "phone")], deadLetters.Select(e => (e.GetProperty("line").GetInt64(), e.GetProperty("field").GetString())));
    }

    [Fact]
    public async Task IngestFile_SameFileTwice_AddsNothingTheSecondTime()
    {
        WriteCrm();
        var extra = Path.Combine(_temp.Path, "extra.csv");
        File.WriteAllText(extra, CrmHeader + "\nx1,Dee,Park,dee@example.org,,2026-05-01T00:00:00Z\n");
        await using var engine = NewEngine();

        var first = await engine.IngestFileAsync("crm", extra);
        var second = await engine.IngestFileAsync("crm", extra);

        Assert.Equal(1, first.RecordsRead);
        Assert.Equal(0, second.RecordsRead);
        Assert.Equal(1, engine.TotalRecords);
    }

    /// <summary>Damages a profile in memory only (never checkpointed): the next record that joins it fails to load it.</summary>
    private static void DamageProfile(StitcherEngine engine, string profileId)
    {
        var storeField = typeof(StitcherEngine).GetField("_store", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        ((Stitcher.Engine.Store.KeyValueStore)storeField.GetValue(engine)!).Write("P|" + profileId, 42);
    }

    private const string CrmHeader = EngineFixture.CrmHeader;

    private string CrmPath => Path.Combine(_temp.Path, "crm.csv");

    private static readonly (string Channel, string Id)[] AllRecords = [("crm", "c1"), ("crm", "c2"), ("pos", "r1"), ("pos", "r2")];

    private void WriteCrm(params string[] rows) => EngineFixture.WriteCrm(_temp.Path, rows);

    private void WritePos(params string[] rows) => EngineFixture.WritePos(_temp.Path, rows);

    private StitcherEngine NewEngine(IProfileSink? sink = null, Action<StitcherOptions>? configure = null) =>
        EngineFixture.NewEngine(_temp.Path, sink, configure);
}
