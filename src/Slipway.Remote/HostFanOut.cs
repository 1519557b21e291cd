using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace Slipway.Remote;

/// <summary>Why a host's part of a fan-out ended without a result of its own.</summary>
public enum HostFaultKind
{
    /// <summary>Could not connect, the connection was lost, or the local ssh client failed.</summary>
    Unreachable,

    /// <summary>The host's work ran past its time-out.</summary>
    TimedOut,

    /// <summary>The run was cancelled (Ctrl-C) before or while the host worked.</summary>
    Cancelled,
}

/// <summary>A host's fault, with how long it had been working (zero when it never got its turn) and the exception behind it.</summary>
public sealed record HostFault(HostFaultKind Kind, string Message, TimeSpan Elapsed, Exception? Cause = null);

/// <summary>
/// The one fan-out over hosts (deploy phases, exec, setup, the host agent): every item's work runs at most
/// <c>maxParallel</c> at once, each optionally bounded by its own time-out; a lost connection, a time-out or Ctrl-C
/// becomes that item's fault and never stops the others; results come back in the order of the items, whatever order
/// the hosts finished in.
/// </summary>
public static class HostFanOut
{
    public static async Task<TResult[]> RunAsync<TItem, TResult>(
        IReadOnlyList<TItem> items, int maxParallel, Func<TItem, CancellationToken, Task<TResult>> work,
        Func<TItem, HostFault, TResult> fault, CancellationToken ct, TimeSpan? perHostTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(fault);
        using var gate = new SemaphoreSlim(Math.Max(1, Math.Min(maxParallel, Math.Max(1, items.Count))));
        return await Task.WhenAll(items.Select(item => OneAsync(item, gate, work, fault, perHostTimeout, ct)));
    }

    private static async Task<TResult> OneAsync<TItem, TResult>(
        TItem item, SemaphoreSlim gate, Func<TItem, CancellationToken, Task<TResult>> work, Func<TItem, HostFault, TResult> fault,
        TimeSpan? perHostTimeout, CancellationToken ct)
    {
        var clock = new Stopwatch();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            await gate.WaitAsync(ct);
            try
            {
                clock.Start();
                if (perHostTimeout is { } timeout && timeout != Timeout.InfiniteTimeSpan)
                {
                    limit.CancelAfter(timeout);
                }

                return await work(item, limit.Token);
            }
            finally
            {
                gate.Release();
            }
        }
        catch (RemoteConnectionException e)
        {
            return fault(item, new HostFault(HostFaultKind.Unreachable, e.Message, clock.Elapsed, e));
        }
        catch (TimeoutException e)
        {
            return fault(item, new HostFault(HostFaultKind.TimedOut, e.Message, clock.Elapsed, e));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return fault(item, new HostFault(HostFaultKind.Cancelled, "cancelled", clock.Elapsed));
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && perHostTimeout is { } timeout)
        {
            return fault(item, new HostFault(HostFaultKind.TimedOut,
                $"timed out after {timeout.TotalSeconds.ToString("0.##", CultureInfo.InvariantCulture)}s", clock.Elapsed));
        }
        catch (Exception e) when (e is IOException or Win32Exception or InvalidOperationException)
        {
            // Local trouble (the ssh client missing, a pipe broken): the host's fault, not a crash of the whole run.
            return fault(item, new HostFault(HostFaultKind.Unreachable, e.Message, clock.Elapsed, e));
        }
    }
}
