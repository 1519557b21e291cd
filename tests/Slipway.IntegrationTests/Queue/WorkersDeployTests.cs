using System.Globalization;
using System.Text.Json;
using Slipway.Cli.Tests.Support;
using Slipway.IntegrationTests.Deploy;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Queue;

/// <summary>
/// <c>workers:</c> in slipway.yml on two real sshd hosts: <c>setup</c> and <c>deploy</c> make each a program on the
/// host's supervisor running <c>slipway worker</c> in the live release; a redeploy stops the worker gracefully (the job
/// it is running finishes, once, in the old release) and starts it again on the new release.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class WorkersDeployTests
{

    [Fact(Timeout = 300_000)]
    public async Task A_deploy_restarts_the_workers_on_the_new_release_and_lets_a_running_job_finish_first()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(2, ct);
        var done = Path.Combine(site.Root, "done.txt");
        var started = Path.Combine(site.Root, "slow-started");
        var release = Path.Combine(site.Root, "release-slow-job");
        // Each job appends "PAYLOAD RELEASE ATTEMPT" (the release is the job's working directory: current, resolved
        // when the worker started). The "slow" job waits for the test's go-ahead, so a deploy arrives while it runs.
        var script = Path.Combine(site.Root, "job.sh");
        await File.WriteAllTextAsync(script, $"""
            read -r p
            if [ "$p" = '"slow"' ]; then
              touch {started}
              while [ ! -e {release} ]; do sleep 0.05; done
            fi
            echo "$p $(basename "$(pwd -P)") $SLIPWAY_JOB_ATTEMPT" >> {done}

            """, ct);
        site.Configure(extra: $$"""
            supervisor: slipway
            workers:
              jobs: { command: "/bin/sh {{script}}", stop_grace: 60s }
            """);
        try
        {
            var (setup, setupOutput) = await site.RunAsync("setup", "production");
            setup.ShouldBe(0, setupOutput);
            await site.CommitAsync("first", ct);
            var (deploy, deployOutput) = await site.RunAsync("deploy", "production");
            deploy.ShouldBe(0, deployOutput);
            (await File.ReadAllTextAsync(Path.Combine(site.DeployTo(1), "slipway/programs.conf"), ct)).ShouldContain("[program:jobs]");
            var first = site.Current(0);

            // The embedded store on each host is shared/queue.db under its deploy_to; the worker file says so.
            var workerFile = Path.Combine(site.DeployTo(0), "slipway/worker.yml");
            (File.GetUnixFileMode(workerFile) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)).ShouldBe(UnixFileMode.None);
            var url = $"sqlite://{site.DeployTo(0)}/shared/queue.db";
            (await File.ReadAllTextAsync(workerFile, ct)).ShouldContain(url);

            await PushAsync(url, "\"one\"", ct);
            (await Eventually.ForAsync(() => Lines(done).Contains($"\"one\" {first} 1"), TimeSpan.FromSeconds(60), ct))
                .ShouldBeTrue($"the worker on host 0 did not run the job in release {first}: {string.Join(" | ", Lines(done))}");

            await PushAsync(url, "\"slow\"", ct);
            (await Eventually.ForAsync(() => File.Exists(started), TimeSpan.FromSeconds(60), ct)).ShouldBeTrue("the slow job never started");

            await site.CommitAsync("second", ct);
            var redeploy = site.RunAsync("deploy", "production");
            // The worker is told to stop while its job runs: it says so in its log, and keeps the job.
            var log = Path.Combine(site.DeployTo(0), "slipway/log");
            (await Eventually.ForAsync(() => LogText(log).Contains("stopping: running jobs get 1m to finish", StringComparison.Ordinal), TimeSpan.FromSeconds(90), ct))
                .ShouldBeTrue("the worker was not stopped gracefully: " + LogText(log));
            redeploy.IsCompleted.ShouldBeFalse("the deploy went on before the worker's job finished");
            await File.WriteAllTextAsync(release, "", ct);

            var (code, output) = await redeploy;
            code.ShouldBe(0, output);
            var second = site.Current(0);
            second.ShouldNotBe(first);
            Lines(done).ShouldContain($"\"slow\" {first} 1"); // finished where it started, on its first attempt

            await PushAsync(url, "\"two\"", ct);
            (await Eventually.ForAsync(() => Lines(done).Contains($"\"two\" {second} 1"), TimeSpan.FromSeconds(60), ct))
                .ShouldBeTrue($"the restarted worker did not run in release {second}: {string.Join(" | ", Lines(done))}");
            Lines(done).Count(l => l.StartsWith("\"slow\"", StringComparison.Ordinal)).ShouldBe(1);

            // The line is written before the job's process exits and the worker records it: wait for the record.
            (await Eventually.ForAsync(async () => await CountAsync(url, "succeeded", ct) == 3, TimeSpan.FromSeconds(30), ct))
                .ShouldBeTrue("three jobs should have succeeded, each once");
            (await CountAsync(url, "dead", ct)).ShouldBe(0);
        }
        finally
        {
            await StopDaemonsAsync(site);
        }
    }

    private static async Task PushAsync(string url, string payload, CancellationToken ct)
    {
        var (code, output) = await CliRunner.RunAsync(["queue", "push", "jobs", "--url", url, "--payload", payload], 200, ct);
        code.ShouldBe(0, output);
    }

    private static async Task<int> CountAsync(string url, string state, CancellationToken ct)
    {
        var (code, output) = await CliRunner.RunAsync(["queue", "ls", "--url", url, "--json"], 200, ct);
        code.ShouldBe(0, output);
        using var json = JsonDocument.Parse(output);
        return json.RootElement.GetProperty("queues").EnumerateArray().Single().GetProperty(state).GetInt32();
    }

    private static List<string> Lines(string file) =>
        File.Exists(file) ? [.. File.ReadAllLines(file).Where(l => l.Length > 0)] : [];

    private static string LogText(string dir) =>
        Directory.Exists(dir) ? string.Concat(Directory.GetFiles(dir, "jobs*").Select(File.ReadAllText)) : "";

    /// <summary>SIGTERM to each daemon, so it stops its workers as it would on a shutdown, then SIGKILL whatever is left.</summary>
    private static async Task StopDaemonsAsync(DeploySite site)
    {
        for (var i = 0; i < site.Ports.Count; i++)
        {
            var pidFile = Path.Combine(site.DeployTo(i), "slipway", "supervisord.pid");
            if (File.Exists(pidFile) && int.TryParse((await File.ReadAllTextAsync(pidFile)).Trim(), CultureInfo.InvariantCulture, out var pid))
            {
                var workers = ProcessTools.Descendants(pid);
                _ = await ProcessTools.RunAsync("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)], CancellationToken.None);
                await Eventually.ForAsync(() => !Directory.Exists($"/proc/{pid}"), TimeSpan.FromSeconds(20), CancellationToken.None);
                ProcessTools.KillQuietly(pid);
                foreach (var child in workers)
                {
                    ProcessTools.KillQuietly(child);
                }
            }
        }
    }
}
