using Microsoft.Extensions.Logging;

namespace Stitcher.Benchmarks.Backfill;

/// <summary>
/// The engine's logger factory during a backfill: counts the store's checkpoints and the time they took (from the
/// <c>CheckpointTaken</c> event and its <c>ElapsedMs</c> value), and prints warnings and errors to stderr.
/// Everything else is dropped, so logging costs the run nothing it would not cost in production.
/// </summary>
internal sealed class CheckpointTimingLoggerFactory : ILoggerFactory
{
    private const string CheckpointEvent = "CheckpointTaken";
    private const string ElapsedProperty = "ElapsedMs";

    private long _checkpoints;
    private long _checkpointMicroseconds;

    public long Checkpoints => Interlocked.Read(ref _checkpoints);

    public TimeSpan CheckpointTime => TimeSpan.FromMicroseconds(Interlocked.Read(ref _checkpointMicroseconds));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private void OnCheckpoint(double elapsedMs)
    {
        Interlocked.Increment(ref _checkpoints);
        Interlocked.Add(ref _checkpointMicroseconds, (long)(elapsedMs * 1000));
    }

    private sealed class Logger(CheckpointTimingLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Name == CheckpointEvent && state is IReadOnlyList<KeyValuePair<string, object?>> values)
            {
                foreach (var (name, value) in values)
                {
                    if (name == ElapsedProperty && value is double elapsedMs)
                    {
                        owner.OnCheckpoint(elapsedMs);
                    }
                }
            }
            if (logLevel >= LogLevel.Warning)
            {
                Console.Error.WriteLine($"[{logLevel}] {category}: {formatter(state, exception)}");
                if (exception is not null)
                {
                    Console.Error.WriteLine(exception);
                }
            }
        }
    }
}
