using System.Globalization;

namespace Slipway.Supervisor.Http;

/// <summary>
/// The <c>Date:</c> header's value, an RFC 9110 IMF-fixdate (<c>Sun, 06 Nov 1994 08:49:37 GMT</c>), as supervisord
/// sends it. Formatted once per second: a busy daemon answers many requests within one.
/// </summary>
public sealed class HttpDate(TimeProvider time)
{
    private Stamp _last = new(long.MinValue, "");

    public static HttpDate System { get; } = new(TimeProvider.System);

    public string Now
    {
        get
        {
            var now = time.GetUtcNow();
            var second = now.ToUnixTimeSeconds();
            var last = _last; // one reference read: a stamp is never seen half-updated
            if (last.Second != second)
            {
                last = new Stamp(second, Format(now));
                _last = last;
            }

            return last.Text;
        }
    }

    /// <summary>IMF-fixdate: the "r" pattern is exactly <c>ddd, dd MMM yyyy HH:mm:ss GMT</c> in UTC, invariant names.</summary>
    public static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("r", CultureInfo.InvariantCulture);

    private sealed record Stamp(long Second, string Text);
}
