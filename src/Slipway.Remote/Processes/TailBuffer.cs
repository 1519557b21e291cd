namespace Slipway.Remote.Processes;

/// <summary>Keeps the last N lines of a stream for error messages, without holding the whole output.</summary>
internal sealed class TailBuffer(int capacity = 20)
{
    private readonly Queue<string> _lines = new();
    private readonly Lock _lock = new();

    public void Add(string line)
    {
        lock (_lock)
        {
            _lines.Enqueue(line);
            if (_lines.Count > capacity)
            {
                _lines.Dequeue();
            }
        }
    }

    public IReadOnlyList<string> Snapshot()
    {
        lock (_lock)
        {
            return [.. _lines];
        }
    }
}
