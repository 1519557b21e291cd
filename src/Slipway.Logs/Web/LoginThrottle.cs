namespace Slipway.Logs.Web;

/// <summary>
/// Slows down guessing at <c>/login</c>, per client address: the first <see cref="FreeAttempts"/> wrong log-ins in
/// <see cref="Window"/> cost nothing; after that each attempt must wait 1 s after the last failure, doubling with every
/// further failure up to <see cref="MaxDelay"/>. An attempt made sooner is refused (429 with Retry-After) without the
/// secret being checked, so parallel guesses gain nothing. A right log-in forgets the address. The table is bounded:
/// past 10,000 addresses, those quiet for a window are dropped.
/// </summary>
public sealed class LoginThrottle(TimeProvider clock)
{
    public const int FreeAttempts = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(1);
    private const int MaxAddresses = 10_000;
    private readonly Dictionary<string, (int Failures, DateTimeOffset Last)> _failures = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>How long <paramref name="address"/> must still wait before its next attempt; null when it may try now.</summary>
    public TimeSpan? RetryAfter(string address)
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            if (!_failures.TryGetValue(address, out var entry) || now - entry.Last >= Window || entry.Failures < FreeAttempts)
            {
                return null;
            }

            var wait = entry.Last + Delay(entry.Failures) - now;
            return wait > TimeSpan.Zero ? wait : null;
        }
    }

    /// <summary>The wait after the n-th failure in a row: none for the free attempts, then 1 s, 2 s, 4 s… up to the cap.</summary>
    public static TimeSpan Delay(int failures) =>
        failures < FreeAttempts ? TimeSpan.Zero
        : TimeSpan.FromSeconds(Math.Min(MaxDelay.TotalSeconds, Math.Pow(2, Math.Min(30, failures - FreeAttempts))));

    public void Failed(string address)
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            if (_failures.Count >= MaxAddresses)
            {
                foreach (var quiet in _failures.Where(f => now - f.Value.Last >= Window).Select(f => f.Key).ToList())
                {
                    _failures.Remove(quiet);
                }
            }

            var failures = _failures.TryGetValue(address, out var entry) && now - entry.Last < Window ? entry.Failures + 1 : 1;
            _failures[address] = (failures, now);
        }
    }

    public void Succeeded(string address)
    {
        lock (_lock)
        {
            _failures.Remove(address);
        }
    }
}
