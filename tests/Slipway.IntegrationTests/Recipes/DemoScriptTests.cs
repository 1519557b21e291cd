using System.Globalization;
using System.Text.RegularExpressions;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Recipes;

/// <summary>
/// README's main-job command, <c>bash scripts/demo.sh</c>, run as a user runs it, so it cannot rot: setup and deploy
/// of examples/django-site on the local transport, the layout, <c>ps</c>, the site answering over HTTP, a second
/// deploy, a rollback, and everything it started stopped at the end. The one difference from a user's run: SLIPWAY
/// points it at the build under test instead of having it build one (a build inside a test would be slow and would
/// race the build that runs the tests).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DemoScriptTests
{
    [Fact]
    public async Task Demo_sets_up_deploys_serves_redeploys_rolls_back_and_stops_what_it_started()
    {
        var ct = TestContext.Current.CancellationToken;
        Requires.Check(File.Exists("/usr/lib/python3/dist-packages/django/__init__.py") && File.Exists("/usr/lib/python3/dist-packages/gunicorn/__init__.py"),
            "python3-django, gunicorn and python3-venv are needed. Fix: bash scripts/deps/recipes.sh", Environment.GetEnvironmentVariable("CI"));
        using var dir = new TempDir("slw-demo-");
        var demo = Path.Combine(dir.Path, "demo");
        try
        {
            var (code, stdout, stderr) = await ProcessTools.RunAsync("env",
                ["SLIPWAY=" + Path.Combine(AppContext.BaseDirectory, "slipway"), "DEMO_DIR=" + demo, "NO_COLOR=1",
                    "bash", Path.Combine(DjangoSite.RepositoryRoot(), "scripts", "demo.sh")], ct);

            code.ShouldBe(0, stdout + stderr);
            stdout.ShouldContain($"localhost: created {demo}/site/shared/django.env from its template (mode 0600)");
            stdout.ShouldContain("localhost: started slipway supervise (pid ");
            var releases = Regex.Matches(stdout, @"deployed release (\d{14}) \(([0-9a-f]{7})\)").Select(m => (Release: m.Groups[1].Value, Commit: m.Groups[2].Value)).ToList();
            releases.Count.ShouldBe(2, stdout);
            stdout.ShouldContain($"current -> {demo}/site/releases/{releases[0].Release}");
            stdout.ShouldMatch($@"(?m)^localhost\s+web\s+RUNNING\s+\d+\s+\S+\s+{releases[0].Release}$");
            var answers = Regex.Matches(stdout, @"(?m)^(hello(?: again)?) from ([0-9a-f]{7}) on port \d+").Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();
            answers.ShouldBe([("hello", releases[0].Commit), ("hello again", releases[1].Commit), ("hello", releases[0].Commit)]);
            stdout.ShouldContain($"rolled back to release {releases[0].Release} on 1 host");

            // What it started is stopped: the supervisor (whose command line names the demo's config) and gunicorn.
            stdout.ShouldContain("stopped the demo's supervisor (pid ");
            ProcessTools.WithCommandLine(c => c.Contains(demo + "/", StringComparison.Ordinal)).ShouldBeEmpty("the demo stops its supervisor");
            var port = int.Parse(Regex.Match(stdout, @"curl http://127\.0\.0\.1:(\d+)/").Groups[1].Value, CultureInfo.InvariantCulture);
            using var client = new System.Net.Sockets.TcpClient();
            await Should.ThrowAsync<System.Net.Sockets.SocketException>(async () => await client.ConnectAsync("127.0.0.1", port, ct), "gunicorn stopped with it");
        }
        finally
        {
            foreach (var left in ProcessTools.WithCommandLine(c => c.Contains(demo + "/", StringComparison.Ordinal)))
            {
                ProcessTools.KillQuietly(left);
            }
        }
    }
}
