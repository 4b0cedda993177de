using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace Maas.Cli.Output;

/// <summary>How an upload shows its progress: a bar per file at a terminal, one line per file otherwise.</summary>
public interface IUploadProgress
{
    /// <summary>A file starts; the returned handler receives the bytes sent so far.</summary>
    IProgress<long> Start(string blobName, long bytes);

    void Done(string blobName, long bytes);

    void Skipped(string blobName, string why);
}

/// <summary>One line per file: what a log or a CI job shows.</summary>
public sealed class LineProgress(TextWriter output) : IUploadProgress
{
    private readonly Stopwatch _clock = new();

    public IProgress<long> Start(string blobName, long bytes)
    {
        _clock.Restart();
        return new Progress<long>();
    }

    public void Done(string blobName, long bytes)
        => output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"uploaded {blobName} ({Format.Bytes(bytes)} in {_clock.Elapsed.TotalSeconds:0.0} s)"));

    public void Skipped(string blobName, string why) => output.WriteLine($"skipped {blobName} ({why})");
}

/// <summary>Spectre.Console progress bars, inside a running <see cref="ProgressContext"/>.</summary>
public sealed class BarProgress(ProgressContext context) : IUploadProgress
{
    public IProgress<long> Start(string blobName, long bytes)
    {
        var task = context.AddTask(Markup.Escape(blobName), maxValue: Math.Max(1, bytes));
        return new Reporter(task);
    }

    public void Done(string blobName, long bytes)
    {
    }

    public void Skipped(string blobName, string why) => context.AddTask(Markup.Escape($"{blobName} ({why})"), maxValue: 1).Value = 1;

    /// <summary>Sets the bar from the SDK's callback thread (Spectre's tasks are thread-safe).</summary>
    private sealed class Reporter(ProgressTask task) : IProgress<long>
    {
        public void Report(long value) => task.Value = value;
    }
}
