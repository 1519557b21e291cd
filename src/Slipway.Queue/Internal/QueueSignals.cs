using System.Collections.Concurrent;

namespace Slipway.Queue.Internal;

/// <summary>
/// Per-queue wake-ups. A waiter takes the queue's current task before it looks for jobs; a signal completes that task
/// and puts a fresh one in its place, so a signal between the look and the wait is never lost.
/// </summary>
internal sealed class QueueSignals
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiters = new(StringComparer.Ordinal);

    public Task NextAsync(string queue) =>
        _waiters.GetOrAdd(queue, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Signal(string queue)
    {
        if (_waiters.TryRemove(queue, out var waiter))
        {
            waiter.TrySetResult();
        }
    }

    /// <summary>Wakes every queue's waiters (a lost notification channel: everyone should look again).</summary>
    public void SignalAll()
    {
        foreach (var queue in _waiters.Keys)
        {
            Signal(queue);
        }
    }
}
