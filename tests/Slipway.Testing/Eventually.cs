namespace Slipway.Testing;

/// <summary>Waits for a condition by polling it: tests synchronise on facts, never on sleeps.</summary>
public static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(25);

    public static Task<bool> ForAsync(Func<bool> condition, TimeSpan timeout, CancellationToken ct) =>
        ForAsync(() => Task.FromResult(condition()), timeout, ct);

    /// <summary>True as soon as <paramref name="condition"/> holds; false if it still does not after <paramref name="timeout"/>.</summary>
    public static async Task<bool> ForAsync(Func<Task<bool>> condition, TimeSpan timeout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(PollInterval, ct);
        }
    }
}
