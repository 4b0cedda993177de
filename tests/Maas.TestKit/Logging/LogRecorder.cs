using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Maas.TestKit.Logging;

/// <summary>One log entry as the app wrote it: level, rendered message and the template's named values.</summary>
public sealed record LogEntry(string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Values);

/// <summary>Keeps every log entry in memory so tests can assert on what was (and was not) logged.</summary>
public sealed class LogRecorder
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    /// <summary>A typed logger for constructing a class under test directly.</summary>
    public ILogger<T> CreateLogger<T>() => new Logger<T>(new LoggerFactory([AsProvider()]));

    /// <summary>A provider to add to a host's logging (<c>builder.Logging.AddProvider(...)</c>).</summary>
    public ILoggerProvider AsProvider() => new Provider(_entries);

    private sealed class Provider(ConcurrentQueue<LogEntry> entries) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new RecordingLogger(categoryName, entries);

        public void Dispose()
        {
        }
    }

    private sealed class RecordingLogger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.ToDictionary(pair => pair.Key, pair => pair.Value)
                : [];
            entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), values));
        }
    }
}
