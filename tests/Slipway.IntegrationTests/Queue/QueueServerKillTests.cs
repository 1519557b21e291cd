using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Slipway.Cli.Tests.Support;
using Slipway.Logs.IntegrationTests.Fixtures;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Queue;

/// <summary>
/// <c>kill -9</c> of the <c>slipway queue serve</c> process that holds the PostgreSQL engine, with jobs pushed, some
/// leased and some acknowledged: nothing is lost. Every pushed job is in the database at once, acknowledged ones stay
/// done, and the leased ones come back after their lease and are done by the next server, each exactly once more.
/// </summary>
public sealed class QueueServerKillTests
{
    private const string Token = "kill-token";
    private const int Jobs = 100;

    private static string SlipwayDll => Path.Combine(AppContext.BaseDirectory, "slipway.dll");

    [Fact(Timeout = 180_000)]
    public async Task Killing_the_server_on_the_postgres_engine_loses_no_job_and_repeats_only_the_leased_ones()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var postgres = await PostgresServer.StartAsync(ct);
        await postgres.CreateDatabaseAsync("jobs", ct);
        using var dir = new TempDir("slipway-queue-kill-");
        var yml = dir.Write("slipway.yml", $$"""
            application: jobs
            deploy_to: /srv/jobs
            stages: { local: { hosts: [ { host: localhost } ] } }
            queue:
              url: {{postgres.Url("jobs")}}
              lease: 2s
              worker: { poll: 200ms }
            """);

        // First server: push a batch, lease five, acknowledge two of them, then kill -9 mid-flight.
        var (first, firstHttp) = await StartServeAsync(dir, yml, "serve-1.log", ct);
        List<(long Id, int Attempt)> leased;
        try
        {
            using (var push = await firstHttp.PostAsync("api/queues/work/jobs", Json(
                "{\"jobs\": [" + string.Join(',', Enumerable.Range(0, Jobs).Select(i => "{\"payload\": {\"n\": " + i + "}}")) + "]}"), ct))
            {
                push.IsSuccessStatusCode.ShouldBeTrue(await push.Content.ReadAsStringAsync(ct));
            }

            leased = await LeaseAsync(firstHttp, 5, ct);
            leased.Count.ShouldBe(5);
            foreach (var (id, attempt) in leased.Take(2))
            {
                await AckAsync(firstHttp, id, attempt, ct);
            }
        }
        finally
        {
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync(ct);
            first.Dispose();
            firstHttp.Dispose();
        }

        // What the database holds right after the kill: all jobs, two done, three still leased to nobody alive.
        var stats = await StatsAsync(yml, ct);
        (stats.GetProperty("succeeded").GetInt64(), stats.GetProperty("running").GetInt64(), stats.GetProperty("ready").GetInt64())
            .ShouldBe((2L, 3L, Jobs - 5L));

        // Second server: a worker drains the queue; the three orphaned leases come back once they run out.
        var (second, http) = await StartServeAsync(dir, yml, "serve-2.log", ct);
        try
        {
            var done = new Dictionary<long, int>();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (done.Count < Jobs - 2 && DateTime.UtcNow < deadline)
            {
                foreach (var (id, attempt) in await LeaseAsync(http, 50, ct, waitSeconds: 1))
                {
                    await AckAsync(http, id, attempt, ct);
                    done[id] = attempt;
                }
            }

            done.Count.ShouldBe(Jobs - 2, "every job not acknowledged before the kill is done after it");
            foreach (var (id, _) in leased.Skip(2))
            {
                done[id].ShouldBe(2, $"job {id} was leased when the server died: run again once, as its second attempt");
            }

            done.Keys.ShouldNotContain(leased[0].Id, "an acknowledged job is never handed out again");
            done.Keys.ShouldNotContain(leased[1].Id);
            var after = await StatsAsync(yml, ct);
            (after.GetProperty("succeeded").GetInt64(), after.GetProperty("dead").GetInt64()).ShouldBe((Jobs, 0L));
        }
        finally
        {
            await ServerProcess.StopAsync(second, TimeSpan.FromSeconds(30));
            second.Dispose();
            http.Dispose();
        }
    }

    private static async Task<(System.Diagnostics.Process Serve, HttpClient Http)> StartServeAsync(TempDir dir, string yml, string log, CancellationToken ct)
    {
        var port = FreePorts.Tcp();
        var serve = ServerProcess.Start("dotnet", [SlipwayDll, "queue", "serve", "-f", yml, "--http", $"127.0.0.1:{port}", "--token", Token], dir.File(log));
        await ServerProcess.WaitForPortAsync(port, serve, dir.File(log), ct);
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return (serve, http);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<List<(long Id, int Attempt)>> LeaseAsync(HttpClient http, int max, CancellationToken ct, int waitSeconds = 0)
    {
        using var response = await http.PostAsync("api/queues/work/lease", Json($"{{\"max\": {max}, \"wait\": {waitSeconds}}}"), ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        response.IsSuccessStatusCode.ShouldBeTrue(text);
        return [.. JsonDocument.Parse(text).RootElement.GetProperty("jobs").EnumerateArray()
            .Select(j => (j.GetProperty("id").GetInt64(), j.GetProperty("attempt").GetInt32()))];
    }

    private static async Task AckAsync(HttpClient http, long id, int attempt, CancellationToken ct)
    {
        using var response = await http.PostAsync($"api/queues/work/jobs/{id}/ack", Json($"{{\"attempt\": {attempt}}}"), ct);
        response.IsSuccessStatusCode.ShouldBeTrue(await response.Content.ReadAsStringAsync(ct));
    }

    private static async Task<JsonElement> StatsAsync(string yml, CancellationToken ct)
    {
        var result = await CliRunner.RunAsync(["queue", "stats", "work", "-f", yml, "--json"], 100, ct);
        result.ExitCode.ShouldBe(0, result.Stderr);
        return JsonDocument.Parse(result.Stdout).RootElement.GetProperty("stats");
    }
}
