namespace Slipway.Queue.Internal;

/// <summary>Instants are stored as Unix milliseconds (one integer column type in every engine, compared in SQL).</summary>
internal static class UnixMs
{
    public static long From(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    public static DateTimeOffset To(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}
