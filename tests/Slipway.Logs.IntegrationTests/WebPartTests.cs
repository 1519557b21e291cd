using System.Net;
using Slipway.Core.Web;
using Slipway.Logs.Server;
using Slipway.Testing;

namespace Slipway.Logs.IntegrationTests;

/// <summary>Another feature's pages on the log server (<see cref="LogServerOptions.WebParts"/>): same login, own 404s, forms for full access only, its metrics in /metrics.</summary>
public sealed class WebPartTests
{
    private sealed class Part : IWebPart
    {
        public List<WebAsk> Asked { get; } = [];

        public string Prefix => "/extra";

        public string Title => "Extra";

        public Task<WebAnswer?> GetAsync(WebAsk ask, CancellationToken ct)
        {
            Asked.Add(ask);
            return Task.FromResult(ask.Path == "/extra/page" ? WebAnswer.Html($"<p id=\"x\">{ask["q"]}</p>") : null);
        }

        public List<IReadOnlyDictionary<string, string>> Posted { get; } = [];

        public Task<WebAnswer?> PostAsync(WebAsk ask, IReadOnlyDictionary<string, string> form, CancellationToken ct)
        {
            if (ask.Path != "/extra/do")
            {
                return Task.FromResult<WebAnswer?>(null);
            }

            Posted.Add(form);
            return Task.FromResult<WebAnswer?>(WebAnswer.SeeOther("/extra/page?q=done"));
        }

        public Task<string> MetricsAsync(CancellationToken ct) =>
            Task.FromResult("# HELP extra_things Things.\n# TYPE extra_things gauge\nextra_things 7\n");
    }

    [Fact(Timeout = 60_000)]
    public async Task A_part_is_behind_the_same_login_readable_by_viewers_its_forms_for_admins_and_adds_to_metrics()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir();
        var part = new Part();
        await using var server = new LogServer(new LogServerOptions
        {
            Database = dir.File("logs.db"), Http = new IPEndPoint(IPAddress.Loopback, 0), Token = "s3cret",
            Users = new Dictionary<string, LogUser> { ["alice"] = new(Slipway.Logs.Web.PasswordHash.Create("alice-pw", 1000), Admin: false) },
            WebParts = [part],
        });
        await server.StartAsync(ct);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = server.HttpAddress };

        using var anonymous = await http.GetAsync("/extra/page?q=1", ct);
        anonymous.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        anonymous.Headers.Location!.ToString().ShouldBe("/login?next=%2Fextra%2Fpage%3Fq%3D1");
        part.Asked.ShouldBeEmpty("nothing reaches the part without a login");

        using var login = await http.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["user"] = "alice", ["token"] = "alice-pw", ["next"] = "/extra/page",
        }), ct);
        login.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var cookie = login.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        using var viewer = new HttpRequestMessage(HttpMethod.Get, "/extra/page?q=%3Cb%3E");
        viewer.Headers.Add("Cookie", cookie);
        using var page = await http.SendAsync(viewer, ct);
        page.StatusCode.ShouldBe(HttpStatusCode.OK, "a viewer reads the part's pages");
        page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        (await page.Content.ReadAsStringAsync(ct)).ShouldBe("<p id=\"x\"><b></p>", "the part gets the decoded query; escaping is its job");
        part.Asked.Single().Menu.Select(l => l.Href).ShouldBe(["/", "/groups", "/extra", "/metrics"]);

        using var unknown = new HttpRequestMessage(HttpMethod.Get, "/extra/nothing");
        unknown.Headers.Authorization = new("Bearer", "s3cret");
        (await http.SendAsync(unknown, ct)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var metrics = await http.GetStringAsync("/metrics", ct);
        metrics.ShouldEndWith("# TYPE extra_things gauge\nextra_things 7\n");

        // A part's form: a viewer is refused before the part; the token reaches it, and its redirect is sent.
        using var viewerPost = new HttpRequestMessage(HttpMethod.Post, "/extra/do") { Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["x"] = "1" }) };
        viewerPost.Headers.Add("Cookie", cookie);
        (await http.SendAsync(viewerPost, ct)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        part.Posted.ShouldBeEmpty("a viewer only reads");
        using var adminPost = new HttpRequestMessage(HttpMethod.Post, "/extra/do") { Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["x"] = "1" }) };
        adminPost.Headers.Authorization = new("Bearer", "s3cret");
        using var done = await http.SendAsync(adminPost, ct);
        done.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        done.Headers.Location!.ToString().ShouldBe("/extra/page?q=done");
        part.Posted.Single()["x"].ShouldBe("1");
    }
}
