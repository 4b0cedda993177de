using System.Buffers;
using System.Globalization;
using Maas.Core.Errors;
using Maas.Core.Inference;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Maas.Core.Generation;

/// <summary>
/// Continuous batching for one loaded text-generation version: the sequences in flight share each decoding step
/// (one run with a row each), new ones join between steps after their prompt's own pass, and finished or cancelled
/// ones leave between steps. At most <c>generation.maxConcurrentSequences</c> decode at once; up to
/// <c>Generation:MaxQueuedSequences</c> more may be in flight (submitted and not yet disposed by their callers); beyond
/// that a submission is refused with 429. The loop runs on its own thread while there is work and stops when there is none.
/// </summary>
public sealed class GenerationScheduler : IDisposable
{
    private static readonly TimeSpan QueueFullRetryAfter = TimeSpan.FromSeconds(1);

    private readonly InferenceSession _session;
    private readonly DecoderGraph _graph;
    private readonly TextTokenizer _tokenizer;
    private readonly int _maxConcurrent;
    private readonly int _maxQueued;
    private readonly Lock _gate = new();
    private readonly Queue<GenerationSequence> _queue = new();
    private readonly List<GenerationSequence> _active = [];
    private readonly KeyValueCache _cache;
    private readonly string[] _stepInputNames;
    private readonly string[] _stepOutputNames;
    private int _inFlight;
    private bool _running;
    private Task _loop = Task.CompletedTask;
    private bool _disposed;

    public GenerationScheduler(InferenceSession session, DecoderGraph graph, TextTokenizer tokenizer, int maxConcurrent, int maxQueued)
    {
        ArgumentNullException.ThrowIfNull(graph);
        (_session, _graph, _tokenizer, _maxConcurrent, _maxQueued) = (session, graph, tokenizer, maxConcurrent, maxQueued);
        _cache = new KeyValueCache(graph.Layers, graph.Heads, graph.HeadSize);
        _stepInputNames = [graph.InputIds, graph.AttentionMask, .. graph.PositionIds is { } p ? [p] : Array.Empty<string>(), .. CacheNames(graph.PastKeys, graph.PastValues)];
        _stepOutputNames = [graph.Logits, .. CacheNames(graph.PresentKeys, graph.PresentValues)];
    }

    public DecoderGraph Graph => _graph;

    /// <summary>Queues a prompt; its events start once it joins the batch. Throws 429 when the queue is full.</summary>
    public GenerationSequence Submit(IReadOnlyList<int> prompt, GenerationParameters parameters, int contextLimit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var sequence = new GenerationSequence(prompt, parameters, _tokenizer, contextLimit, Release, cancellationToken);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_inFlight >= _maxConcurrent + _maxQueued)
            {
                throw new MaasException(ErrorKind.Throttled, string.Create(CultureInfo.InvariantCulture, $"This model is generating {_maxConcurrent} sequences and {_maxQueued} more are waiting on this instance; retry shortly."))
                { RetryAfter = QueueFullRetryAfter };
            }

            _inFlight++;
            _queue.Enqueue(sequence);
            if (!_running)
            {
                _running = true;
                _loop = Task.Factory.StartNew(Loop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            }
        }

        return sequence;
    }

    private void Release()
    {
        lock (_gate)
        {
            _inFlight--;
        }
    }

    /// <summary>
    /// Waits for the loop to stop (its sequences have been disposed by their callers when the session is released, so
    /// it stops within a step) before the cache goes: no step ever runs on a disposed session.
    /// </summary>
    public void Dispose()
    {
        Task loop;
        lock (_gate)
        {
            _disposed = true;
            loop = _loop;
        }

        loop.Wait();
        _cache.Dispose();
    }

    private void Loop()
    {
        while (true)
        {
            try
            {
                Admit();
                LeaveCancelled();
                if (_active.Count > 0)
                {
                    Step();
                    continue;
                }
            }
#pragma warning disable CA1031 // the loop serves every caller: a failed step fails its sequences (each caller's 500), never the loop
            catch (Exception error)
#pragma warning restore CA1031
            {
                FailAll(error);
            }

            lock (_gate)
            {
                if (_queue.Count == 0 && _active.Count == 0)
                {
                    _running = false;
                    return;
                }
            }
        }
    }

    /// <summary>Moves queued sequences into the batch while there is room: each gets its prompt's pass and first token.</summary>
    private void Admit()
    {
        while (true)
        {
            GenerationSequence? next;
            lock (_gate)
            {
                if (_active.Count >= _maxConcurrent || !_queue.TryDequeue(out next))
                {
                    return;
                }
            }

            if (next.IsAbandoned)
            {
                next.Fail(new OperationCanceledException(next.CancellationToken));
                continue;
            }

            Prefill(next);
        }
    }

    /// <summary>Runs a prompt alone (no past), picks its first token and, unless that ends it, adds its cache as a new row.</summary>
    private void Prefill(GenerationSequence sequence)
    {
        var length = sequence.Prompt.Count;
        var ids = new long[length];
        var positions = new long[length];
        var mask = new long[length];
        for (var i = 0; i < length; i++)
        {
            (ids[i], positions[i], mask[i]) = (sequence.Prompt[i], i, 1);
        }

        var inputs = new List<OrtValue>();
        try
        {
            inputs.Add(OrtValue.CreateTensorValueFromMemory(ids, [1, length]));
            inputs.Add(OrtValue.CreateTensorValueFromMemory(mask, [1, length]));
            if (_graph.PositionIds is not null)
            {
                inputs.Add(OrtValue.CreateTensorValueFromMemory(positions, [1, length]));
            }

            for (var i = 0; i < 2 * _graph.Layers; i++)
            {
                inputs.Add(OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [1, _graph.Heads, 0, _graph.HeadSize]));
            }

            using var runOptions = SessionFactory.CreateRunOptions();
            using var cancellation = sequence.CancellationToken.Register(() => runOptions.Terminate = true);
            using var outputs = _session.Run(runOptions, _stepInputNames, inputs, _stepOutputNames);
            var logits = outputs[0].GetTensorDataAsSpan<float>();
            var first = sequence.Sampler.Next(logits[^_graph.VocabularySize..]);
            if (!sequence.Accept(first, _tokenizer.EndTokens))
            {
                return;
            }

            var present = new ReadOnlyMemory<float>[2 * _graph.Layers];
            var copies = new float[present.Length][];
            for (var i = 0; i < present.Length; i++)
            {
                var span = outputs[i + 1].GetTensorDataAsSpan<float>();
                copies[i] = ArrayPool<float>.Shared.Rent(span.Length);
                span.CopyTo(copies[i]);
                present[i] = copies[i].AsMemory(0, span.Length);
            }

            try
            {
                _cache.Add(present, length);
            }
            finally
            {
                foreach (var copy in copies)
                {
                    ArrayPool<float>.Shared.Return(copy);
                }
            }

            lock (_gate)
            {
                _active.Add(sequence);
            }
        }
        catch (OnnxRuntimeException) when (sequence.CancellationToken.IsCancellationRequested)
        {
            sequence.Fail(new OperationCanceledException(sequence.CancellationToken));
        }
        catch (OnnxRuntimeException error) when (ModelRunner.IsRejectedInput(error))
        {
            sequence.Fail(new MaasException(ErrorKind.InvalidInput, $"The model refused the prompt: {ModelRunner.Shorten(error.Message)}"));
        }
        finally
        {
            foreach (var input in inputs)
            {
                input.Dispose();
            }
        }
    }

    /// <summary>One decoding step for every row: each sequence's last token in, the next token out; finished rows leave.</summary>
    private void Step()
    {
        var rows = _active.Count;
        var width = _cache.Length + 1;
        var ids = ArrayPool<long>.Shared.Rent(rows);
        var positions = ArrayPool<long>.Shared.Rent(rows);
        var mask = ArrayPool<long>.Shared.Rent(rows * width);
        var logits = ArrayPool<float>.Shared.Rent(rows * _graph.VocabularySize);
        var values = new List<OrtValue>(_stepInputNames.Length + _stepOutputNames.Length);
        try
        {
            for (var row = 0; row < rows; row++)
            {
                ids[row] = _active[row].LastToken;
                positions[row] = _active[row].Position;
                var padding = _cache.PaddingOf(row);
                mask.AsSpan(row * width, padding).Clear();
                mask.AsSpan((row * width) + padding, width - padding).Fill(1);
            }

            values.Add(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, ids.AsMemory(0, rows), [rows, 1]));
            values.Add(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, mask.AsMemory(0, rows * width), [rows, width]));
            if (_graph.PositionIds is not null)
            {
                values.Add(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, positions.AsMemory(0, rows), [rows, 1]));
            }

            long[] pastShape = [rows, _graph.Heads, _cache.Length, _graph.HeadSize];
            long[] presentShape = [rows, _graph.Heads, width, _graph.HeadSize];
            for (var i = 0; i < 2 * _graph.Layers; i++)
            {
                values.Add(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _cache.Past(i), pastShape));
            }

            var inputCount = values.Count;
            values.Add(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, logits.AsMemory(0, rows * _graph.VocabularySize), [rows, 1, _graph.VocabularySize]));
            for (var i = 0; i < 2 * _graph.Layers; i++)
            {
                values.Add(OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _cache.Present(i), presentShape));
            }

            using (var runOptions = SessionFactory.CreateRunOptions())
            {
                _session.Run(runOptions, _stepInputNames, values.GetRange(0, inputCount), _stepOutputNames, values.GetRange(inputCount, values.Count - inputCount));
            }

            _cache.Advance();
            var keep = new List<int>(rows);
            for (var row = 0; row < rows; row++)
            {
                var sequence = _active[row];
                var token = sequence.Sampler.Next(logits.AsSpan(row * _graph.VocabularySize, _graph.VocabularySize));
                if (sequence.Accept(token, _tokenizer.EndTokens))
                {
                    keep.Add(row);
                }
            }

            if (keep.Count < rows)
            {
                Leave(keep);
            }
        }
        finally
        {
            foreach (var value in values)
            {
                value.Dispose();
            }

            ArrayPool<long>.Shared.Return(ids);
            ArrayPool<long>.Shared.Return(positions);
            ArrayPool<long>.Shared.Return(mask);
            ArrayPool<float>.Shared.Return(logits);
        }
    }

    /// <summary>Takes sequences whose callers went away out of the batch: they stop within one step.</summary>
    private void LeaveCancelled()
    {
        var keep = new List<int>(_active.Count);
        for (var row = 0; row < _active.Count; row++)
        {
            if (_active[row].IsAbandoned)
            {
                _active[row].Fail(new OperationCanceledException(_active[row].CancellationToken));
            }
            else
            {
                keep.Add(row);
            }
        }

        if (keep.Count < _active.Count)
        {
            Leave(keep);
        }
    }

    private void Leave(List<int> keep)
    {
        _cache.Keep(keep);
        lock (_gate)
        {
            var kept = keep.Select(row => _active[row]).ToList();
            _active.Clear();
            _active.AddRange(kept);
        }
    }

    private void FailAll(Exception error)
    {
        var failure = error is MaasException ? error : new InvalidOperationException("The decoding step failed.", error);
        lock (_gate)
        {
            foreach (var sequence in _active)
            {
                sequence.Fail(failure);
            }

            _active.Clear();
        }

        _cache.Keep([]);
    }

    private static IEnumerable<string> CacheNames(IReadOnlyList<string> keys, IReadOnlyList<string> values)
        => keys.Zip(values).SelectMany(pair => new[] { pair.First, pair.Second });
}
