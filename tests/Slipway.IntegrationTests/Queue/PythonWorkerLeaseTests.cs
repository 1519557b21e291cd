using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Slipway.Cli.Tests.Support;
using Slipway.IntegrationTests.Recipes;
using Slipway.Logs.IntegrationTests.Fixtures;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Queue;

/// <summary>
/// The lease guarantees through the Python client's worker (examples/django-site/slipway_jobs) and a real
/// <c>slipway queue serve</c>: heartbeats keep a job three times longer than its lease with one worker while another
/// waits, and a worker killed with -9 mid-job has its job run again by the other once the lease runs out.
/// </summary>
public sealed class PythonWorkerLeaseTests
{
    private const string Python = "/usr/bin/python3";
    private const string Token = "lease-token";

    private static string SlipwayDll => Path.Combine(AppContext.BaseDirectory, "slipway.dll");

    [Fact(Timeout = 120_000)]
    public async Task A_job_three_times_its_lease_runs_once_and_a_killed_workers_job_is_run_again_after_the_lease()
    {
        var ct = TestContext.Current.CancellationToken;
        Requires.Check(File.Exists(Python), "python3 is needed. Fix: apt-get install python3", Environment.GetEnvironmentVariable("CI"));
        using var dir = new TempDir("slipway-python-lease-");
        var events = dir.File("events.log");
        dir.Write("slowjobs.py", """
            import os, time
            from slipway_jobs import job

            @job(queue="slow")
            def work(name, seconds):
                with open(os.environ["EVENTS"], "a") as f:
                    f.write(f"start {name} {os.getpid()}\n")
                time.sleep(seconds)
                with open(os.environ["EVENTS"], "a") as f:
                    f.write(f"end {name} {os.getpid()}\n")
            """);
        // The server looks for expired leases every 200 ms while workers wait (queue.worker.poll).
        var yml = dir.Write("slipway.yml", """
            application: jobs
            deploy_to: /srv/jobs
            stages: { local: { hosts: [ { host: localhost } ] } }
            queue:
              url: sqlite:queue.db
              worker: { poll: 200ms }
            """);
        var port = FreePorts.Tcp();
        string[] env =
        [
            $"SLIPWAY_QUEUE_URL=http://127.0.0.1:{port}", $"SLIPWAY_QUEUE_TOKEN={Token}", $"EVENTS={events}", "PYTHONDONTWRITEBYTECODE=1",
            $"PYTHONPATH={Path.Combine(DjangoSite.RepositoryRoot(), "examples", "django-site")}:{dir.Path}",
        ];
        string[] worker = [.. env, Python, "-m", "slipway_jobs", "worker", "slow", "--import", "slowjobs", "--concurrency", "1", "--lease", "2", "--wait", "2"];

        var serveLog = dir.File("serve.log");
        using var serve = ServerProcess.Start("dotnet", [SlipwayDll, "queue", "serve", "-f", yml, "--http", $"127.0.0.1:{port}", "--token", Token], serveLog);
        var workers = new List<Process>();
        try
        {
            await ServerProcess.WaitForPortAsync(port, serve, serveLog, ct);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            workers.Add(ServerProcess.Start("/usr/bin/env", worker, dir.File("worker-a.log")));

            // 6 s under a 2 s lease: worker A heartbeats it; worker B, started while it runs, must not get it.
            var longJob = await PushAsync(http, "long", 6, ct);
            (await Eventually.ForAsync(() => Lines(events).Any(l => l.StartsWith("start long", StringComparison.Ordinal)), TimeSpan.FromSeconds(30), ct))
                .ShouldBeTrue(ServerProcess.SafeRead(dir.File("worker-a.log")));
            workers.Add(ServerProcess.Start("/usr/bin/env", worker, dir.File("worker-b.log")));
            (await Eventually.ForAsync(async () => await StateAsync(longJob, yml, ct) == "succeeded", TimeSpan.FromSeconds(30), ct)).ShouldBeTrue();
            Lines(events).Count(l => l.StartsWith("start long", StringComparison.Ordinal)).ShouldBe(1, string.Join('\n', Lines(events)));
            (await JobAsync(longJob, yml, ct)).GetProperty("attempts_used").GetInt32().ShouldBe(1);

            // kill -9 of whichever worker took the next job: the other runs it once the 2 s lease has run out.
            var doomed = await PushAsync(http, "doomed", 2, ct);
            (await Eventually.ForAsync(() => Lines(events).Any(l => l.StartsWith("start doomed", StringComparison.Ordinal)), TimeSpan.FromSeconds(30), ct)).ShouldBeTrue();
            var victim = int.Parse(Lines(events).First(l => l.StartsWith("start doomed", StringComparison.Ordinal)).Split(' ')[2], CultureInfo.InvariantCulture);
            await ProcessTools.RunAsync("kill", ["-KILL", victim.ToString(CultureInfo.InvariantCulture)], ct);
            (await Eventually.ForAsync(async () => await StateAsync(doomed, yml, ct) == "succeeded", TimeSpan.FromSeconds(30), ct))
                .ShouldBeTrue(string.Join('\n', Lines(events)));
            var starts = Lines(events).Where(l => l.StartsWith("start doomed", StringComparison.Ordinal)).ToList();
            starts.Count.ShouldBe(2);
            starts[1].ShouldNotEndWith($" {victim}");
            Lines(events).Count(l => l.StartsWith("end doomed", StringComparison.Ordinal)).ShouldBe(1);
            (await JobAsync(doomed, yml, ct)).GetProperty("attempts_used").GetInt32().ShouldBe(2);
        }
        finally
        {
            foreach (var w in workers)
            {
                await ServerProcess.StopAsync(w, TimeSpan.FromSeconds(30));
                w.Dispose();
            }

            await ServerProcess.StopAsync(serve, TimeSpan.FromSeconds(30));
        }
    }

    private static List<string> Lines(string file) => [.. ServerProcess.SafeRead(file).Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    private static async Task<long> PushAsync(HttpClient http, string name, int seconds, CancellationToken ct)
    {
        var body = "{\"payload\": {\"task\": \"slowjobs.work\", \"args\": [\"" + name + "\", " +
                   seconds.ToString(CultureInfo.InvariantCulture) + "], \"kwargs\": {}}}";
        using var response = await http.PostAsync("api/queues/slow/jobs", new StringContent(body, Encoding.UTF8, "application/json"), ct);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("id").GetInt64();
    }

    private static async Task<JsonElement> JobAsync(long id, string yml, CancellationToken ct)
    {
        var peek = await CliRunner.RunAsync(["queue", "peek", "slow", id.ToString(CultureInfo.InvariantCulture), "-f", yml, "--json"], 100, ct);
        return JsonDocument.Parse(peek.Stdout).RootElement.GetProperty("jobs")[0];
    }

    private static async Task<string?> StateAsync(long id, string yml, CancellationToken ct) =>
        (await JobAsync(id, yml, ct)).GetProperty("state").GetString();
}
