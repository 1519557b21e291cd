using Microsoft.Extensions.Time.Testing;
using Slipway.Supervisor.Http;

namespace Slipway.Supervisor.Tests;

public sealed class HttpDateTests
{
    [Fact]
    public void Format_is_the_imf_fixdate_of_rfc_9110() =>
        HttpDate.Format(new DateTimeOffset(1994, 11, 6, 9, 49, 37, TimeSpan.FromHours(1))).ShouldBe("Sun, 06 Nov 1994 08:49:37 GMT");

    [Fact]
    public void Now_is_formatted_once_per_second()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 4, 17, 0, 0, TimeSpan.Zero));
        var date = new HttpDate(time);
        var first = date.Now;
        first.ShouldBe("Fri, 04 Dec 2026 17:00:00 GMT");

        time.Advance(TimeSpan.FromMilliseconds(999));
        date.Now.ShouldBeSameAs(first); // cached within the second

        time.Advance(TimeSpan.FromMilliseconds(1));
        date.Now.ShouldBe("Fri, 04 Dec 2026 17:00:01 GMT");
    }
}
