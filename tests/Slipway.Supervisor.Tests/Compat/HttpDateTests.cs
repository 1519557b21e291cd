using System.Globalization;
using System.Text;

namespace Slipway.Supervisor.Tests.Compat;

/// <summary>Every HTTP response carries <c>Date:</c> (RFC 9110 §6.6.1; issue 15.5), as supervisord's do.</summary>
public sealed class HttpDateTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(Daemon.Supervisord)]
    [InlineData(Daemon.Slipway)]
    [InlineData(Daemon.SlipwayNative)]
    public async Task Rpc_and_web_responses_carry_an_imf_fixdate(string kind)
    {
        await using var d = await Daemon.StartAsync(kind, "", Ct);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{d.Port.ToString(CultureInfo.InvariantCulture)}") };
        const string call = "<?xml version=\"1.0\"?><methodCall><methodName>supervisor.getPID</methodName><params></params></methodCall>";
        using var rpc = await http.PostAsync(new Uri("/RPC2", UriKind.Relative), new StringContent(call, Encoding.UTF8, "text/xml"), Ct);
        using var page = await http.GetAsync(new Uri("/", UriKind.Relative), Ct);

        foreach (var response in new[] { rpc, page })
        {
            var raw = response.Headers.GetValues("Date").Single();
            // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT", parsed exactly, so an obsolete form would fail.
            var date = DateTime.ParseExact(raw, "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            (DateTime.UtcNow - date).Duration().ShouldBeLessThan(TimeSpan.FromMinutes(1), raw);
        }
    }
}
