using Stitcher.Engine.Configuration;
using Stitcher.Engine.Delivery;
using Stitcher.Plugins;

namespace Stitcher.Engine.Tests.Delivery;

/// <summary>
/// The durable outbox with a real engine and store: sinks that fail, refuse, hang or come late, and what each one ends
/// up holding, what its cursor says and what its dead letters name.
/// </summary>
public sealed class OutboxTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly string[] s_rows =
    [
        "c1,Ann,Lee,ann@example.org,,2026-01-01T00:00:00Z",
        "c2,Ann,Lee,,+14155550132,2026-01-02T00:00:00Z",
        "c3,Ann,Lee,ann@example.org,+14155550132,2026-01-03T00:00:00Z",
        "c4,Bob,Stone,bob@example.org,,2026-01-04T00:00:00Z",
        "c5,Cy,Moss,cy@example.org,,2026-01-05T00:00:00Z",
        "c6,Di,Park,di@example.org,,2026-01-06T00:00:00Z",
    ];

    [Fact]
    public async Task SinkFailingForAWhile_TakesEveryProfileOnceItRecovers()
    {
        EngineFixture.WriteCrm(_temp.Path, s_rows);
        var sink = new ScriptedSink("flaky") { FailuresLeft = 3 };
        await using var engine = NewEngine(sink, o => o.MaxAttempts = 0);

        await engine.RunOnceAsync();

        // The three failures were retried, holding the cursor; then everything arrived.
        Assert.Equal(3, sink.Failures);
        AssertHoldsTheEngineProfiles(engine, sink);
        var status = Assert.Single(engine.SinkStatuses());
        Assert.Equal((0L, 0L, 3L), (status.LagChanges, status.DeadLetters, status.Retries));
        Assert.Equal(engine.ReadChanges().Last().Sequence, new OutboxFiles(engine.DataDirectory, "flaky").ReadCursor()!.Sequence);
    }

    [Fact]
    public async Task MergedProfile_IsRetiredNamingItsSurvivor_AndVersionsRiseAndAreNeverReused()
    {
        EngineFixture.WriteCrm(_temp.Path, s_rows[0], s_rows[1]);
        var sink = new ScriptedSink("s");
        await using var engine = NewEngine(sink);
        await engine.RunOnceAsync();
        var ann = engine.FindProfileIdByRecord("crm", "c1")!;
        var other = engine.FindProfileIdByRecord("crm", "c2")!;
        Assert.NotEqual(ann, other);

        File.AppendAllText(Path.Combine(_temp.Path, "crm.csv"), s_rows[2] + "\r\n");
        await engine.RunOnceAsync();

        var survivor = engine.FindProfileIdByRecord("crm", "c3")!;
        var retired = survivor == ann ? other : ann;
        var retirement = Assert.Single(sink.Changes, c => c.Kind == ProfileChangeKind.Retired);
        Assert.Equal((retired, survivor), (retirement.ProfileId, retirement.SurvivorId));
        Assert.DoesNotContain(retired, sink.Latest.Keys);
        // One key per change, each profile's versions rising.
        Assert.Equal(sink.Changes.Count, sink.Changes.Select(c => c.IdempotencyKey).Distinct().Count());
        foreach (var versions in sink.Changes.GroupBy(c => c.ProfileId).Select(g => g.Select(c => c.Version).ToList()))
        {
            Assert.Equal(versions.Order(), versions);
        }
        AssertHoldsTheEngineProfiles(engine, sink);
    }

    [Fact]
    public async Task RefusedChange_GoesToTheDeadLettersWithTheDestinationsCode_AndReplayDeliversIt()
    {
        EngineFixture.WriteCrm(_temp.Path, s_rows);
        var sink = new ScriptedSink("crm-sync") { Refuse = p => p.Attributes.ContainsKey("phone") ? null : ("REQUIRED_FIELD_MISSING", "Required fields are missing: [Phone]") };
        string refusedId;
        await using (var engine = NewEngine(sink))
        {
            await engine.RunOnceAsync();

            var files = new OutboxFiles(engine.DataDirectory, "crm-sync");
            var letters = OutboxFiles.ReadDeadLetters(files.DeadLettersPath);
            var expected = engine.ReadChanges().Select(c => c.ProfileId).Distinct()
                .Where(id => engine.GetProfile(id) is { } p && p.Id == id && !p.Attributes.ContainsKey("phone")).Order().ToList();
            Assert.NotEmpty(expected);
            Assert.Equal(expected, letters.Select(l => l.ProfileId).Order());
            Assert.All(letters, l => Assert.Equal(("REQUIRED_FIELD_MISSING", "upserted"), (l.Code, l.Kind)));
            // The rest was delivered, and the cursor moved past the refused ones.
            Assert.All(sink.Latest.Values, p => Assert.True(p.Attributes.ContainsKey("phone")));
            Assert.Equal(0, engine.SinkStatuses()[0].LagChanges);
            refusedId = expected[0];

            Assert.Equal(expected.Count, files.QueueDeadLettersForReplay());
            Assert.False(File.Exists(files.DeadLettersPath));
        }

        // The destination takes them now; the next run replays them as they are then.
        var fixedSink = new ScriptedSink("crm-sync");
        await using (var engine = NewEngine(fixedSink))
        {
            await engine.RunOnceAsync();

            Assert.Contains(refusedId, fixedSink.Latest.Keys);
            Assert.All(fixedSink.Latest.Values, p => Assert.False(p.Attributes.ContainsKey("phone")));
            Assert.Empty(new OutboxFiles(engine.DataDirectory, "crm-sync").ReplayFiles());
        }
    }

    [Fact]
    public async Task SinkAddedToAnExistingStore_FirstTakesEveryCurrentProfileOnce_ThenTheChangesAfter()
    {
        EngineFixture.WriteCrm(_temp.Path, s_rows);
        await using (var engine = NewEngine())
        {
            await engine.RunOnceAsync();
        }

        var late = new ScriptedSink("late");
        await using (var engine = NewEngine(late))
        {
            await engine.RunOnceAsync();

            AssertHoldsTheEngineProfiles(engine, late);
            // A snapshot: only current profiles, each once, and no retirements of profiles it never had.
            Assert.All(late.Changes, c => Assert.Equal(ProfileChangeKind.Upserted, c.Kind));
            Assert.Equal(late.Changes.Count, late.Changes.Select(c => c.ProfileId).Distinct().Count());

            File.AppendAllText(Path.Combine(_temp.Path, "crm.csv"), "c7,Eve,Hale,eve@example.org,,2026-01-07T00:00:00Z\r\n");
            await engine.RunOnceAsync();
            Assert.Contains(engine.FindProfileIdByRecord("crm", "c7")!, late.Latest.Keys);
        }
    }

    [Fact]
    public async Task Restart_AfterEverythingWasDelivered_DeliversNothingAgain()
    {
        EngineFixture.WriteCrm(_temp.Path, s_rows);
        var sink = new ScriptedSink("s");
        await using (var engine = NewEngine(sink))
        {
            await engine.RunOnceAsync();
        }
        var delivered = sink.Changes.Count;
        Assert.True(delivered > 0);

        var again = new ScriptedSink("s");
        await using (var engine = NewEngine(again))
        {
            await engine.RunOnceAsync();
        }

        Assert.Empty(again.Changes);
    }

    [Fact]
    public async Task HungSink_IsTimedOutAndDeadLettered_WhileTheOtherSinkTakesEverything()
    {
        EngineFixture.WriteCrm(_temp.Path, s_rows);
        var hung = new ScriptedSink("hung") { Hang = true };
        var healthy = new ScriptedSink("healthy");
        await using var engine = EngineFixture.NewEngine(_temp.Path, [hung, healthy], options =>
        {
            foreach (var name in new[] { "hung", "healthy" })
            {
                options.Sinks[name] = new SinkOptions { Plugin = "test", TimeoutSeconds = 1, MaxAttempts = 2, RetryDelayMilliseconds = 1, BatchSize = 100 };
            }
        });

        await engine.RunOnceAsync();

        AssertHoldsTheEngineProfiles(engine, healthy);
        var letters = OutboxFiles.ReadDeadLetters(new OutboxFiles(engine.DataDirectory, "hung").DeadLettersPath);
        Assert.Equal(healthy.Changes.Select(c => c.IdempotencyKey).Order(), letters.Select(l => $"{l.ProfileId}:{l.Version}").Order());
        Assert.All(letters, l => Assert.Equal(("TimeoutException", 2), (l.Code, l.Attempts)));
        // Calls on one sink never overlapped, though the first one never returned.
        Assert.Equal(1, hung.Calls);
    }

    [Fact]
    public async Task BlockedSink_DoesNotHoldUpIngestOrCheckpoints()
    {
        EngineFixture.WriteCrm(_temp.Path, s_rows[0]);
        var gate = new TaskCompletionSource();
        var sink = new ScriptedSink("slow") { Gate = gate.Task };
        await using var engine = NewEngine(sink);
        await engine.CheckpointAsync();

        for (var i = 0; i < 20; i++)
        {
            var fields = new Dictionary<string, string?> { ["id"] = $"r{i}", ["first"] = "Fay", ["last"] = $"Name{i}", ["email"] = $"f{i}@example.org" };
            Assert.True((await engine.IngestRecordAsync("crm", fields)).Accepted);
            await engine.CheckpointAsync();
        }

        Assert.Empty(sink.Changes);
        Assert.True(engine.SinkStatuses()[0].LagChanges > 0);
        gate.SetResult();
        await engine.DrainSinksAsync();
        AssertHoldsTheEngineProfiles(engine, sink);
    }

    [Fact]
    public async Task MaxAttemptsOne_TriesEachBatchOnceThenDeadLettersIt()
    {
        EngineFixture.WriteCrm(_temp.Path, s_rows[..2]);
        var sink = new ScriptedSink("once") { FailuresLeft = 100 };
        await using var engine = NewEngine(sink, o => o.MaxAttempts = 1);

        await engine.RunOnceAsync();

        Assert.Equal(1, sink.Failures);
        Assert.Equal(2, OutboxFiles.ReadDeadLetters(new OutboxFiles(engine.DataDirectory, "once").DeadLettersPath).Count);
    }

    [Fact]
    public async Task CursorPastTheStoresEnd_TheSinkStartsOverWithEveryProfileOfTheNewStore()
    {
        EngineFixture.WriteCrm(_temp.Path, s_rows);
        var sink = new ScriptedSink("s");
        await using (var engine = NewEngine(sink))
        {
            await engine.RunOnceAsync();
        }
        // The store is replaced by a smaller one; the sink's outbox stays.
        Directory.Delete(Path.Combine(_temp.Path, "data", "store"), recursive: true);
        EngineFixture.WriteCrm(_temp.Path, s_rows[3]);
        var again = new ScriptedSink("s");
        await using (var engine = NewEngine(again))
        {
            await engine.RunOnceAsync();

            AssertHoldsTheEngineProfiles(engine, again);
            Assert.Single(again.Latest);
            Assert.Equal(engine.ReadChanges().Last().Sequence, new OutboxFiles(engine.DataDirectory, "s").ReadCursor()!.Sequence);
        }
    }

    private StitcherEngine NewEngine(IProfileSink? sink = null, Action<SinkOptions>? configure = null) =>
        EngineFixture.NewEngine(_temp.Path, sink, options =>
        {
            if (sink is not null)
            {
                var sinkOptions = new SinkOptions { Plugin = "test", RetryDelayMilliseconds = 1, MaxRetryDelayMilliseconds = 5, BatchSize = 2 };
                configure?.Invoke(sinkOptions);
                options.Sinks[sink.Name] = sinkOptions;
            }
        });

    /// <summary>The sink holds exactly the engine's current profiles, each at its latest content.</summary>
    private static void AssertHoldsTheEngineProfiles(StitcherEngine engine, ScriptedSink sink)
    {
        var current = new List<string>();
        foreach (var id in engine.ReadChanges().Select(c => c.ProfileId).Distinct())
        {
            if (engine.GetProfile(id) is { } profile && profile.Id == id)
            {
                current.Add(id);
                Assert.Equal(profile.Records.Select(r => r.RecordId).Order(), sink.Latest[id].Records.Select(r => r.RecordId).Order());
            }
        }
        Assert.Equal(current.Order(), sink.Latest.Keys.Order());
    }

    /// <summary>A sink at the process edge that fails, refuses or hangs as told, and keeps what it took.</summary>
    private sealed class ScriptedSink(string name) : IProfileSink
    {
        public string Name { get; } = name;

        public int FailuresLeft { get; set; }

        public int Failures { get; private set; }

        public int Calls { get; private set; }

        public bool Hang { get; init; }

        public Task? Gate { get; init; }

        public Func<StitchedProfile, (string Code, string Message)?>? Refuse { get; init; }

        public List<ProfileChange> Changes { get; } = [];

        public Dictionary<string, StitchedProfile> Latest { get; } = [];

        public async ValueTask<IReadOnlyList<ChangeRejection>> WriteAsync(ProfileBatch batch, CancellationToken cancellationToken)
        {
            Calls++;
            if (Hang)
            {
                // Ignores cancellation, as a badly written plugin would.
                await Task.Delay(Timeout.Infinite, CancellationToken.None);
            }
            if (Gate is { } gate)
            {
                await gate;
            }
            if (FailuresLeft > 0)
            {
                FailuresLeft--;
                Failures++;
                throw new SinkException("503 Service Unavailable", retryable: true, code: "503");
            }
            var rejected = new List<ChangeRejection>();
            for (var i = 0; i < batch.Changes.Count; i++)
            {
                var change = batch.Changes[i];
                if (change is { Kind: ProfileChangeKind.Upserted, Profile: { } profile })
                {
                    if (Refuse?.Invoke(profile) is { } refusal)
                    {
                        rejected.Add(new ChangeRejection(i, refusal.Code, refusal.Message));
                        continue;
                    }
                    Latest[profile.Id] = profile;
                }
                else
                {
                    Latest.Remove(change.ProfileId);
                }
                Changes.Add(change);
            }
            return rejected;
        }

        public ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
