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
/// examples/django-site's background jobs end to end: <c>slipway queue serve</c> on the embedded engine as a real
/// process, the site's <c>manage.py runjobs</c> (Debian's python3 and Django) pulling over HTTP, jobs pushed over HTTP
/// and from the site's view, and a failing job retried and dead-lettered with its message and traceback.
/// </summary>
public sealed class DjangoJobsTests
{
    private const string Python = "/usr/bin/python3";
    private const string Token = "integration-token";

    private static string SlipwayDll => Path.Combine(AppContext.BaseDirectory, "slipway.dll");

    [Fact(Timeout = 180_000)]
    public async Task Jobs_pushed_over_http_and_from_a_view_are_done_by_the_python_worker_and_a_failing_one_is_retried_then_dead_with_its_message()
    {
        var ct = TestContext.Current.CancellationToken;
        Requires.Check(File.Exists(Python) && File.Exists("/usr/lib/python3/dist-packages/django/__init__.py"),
            "Debian's python3-django is needed. Fix: bash scripts/deps/queue.sh", Environment.GetEnvironmentVariable("CI"));
        using var dir = new TempDir("slipway-django-jobs-");
        var site = Path.Combine(dir.Path, "site");
        Copy(Path.Combine(DjangoSite.RepositoryRoot(), "examples", "django-site"), site);
        // Retries after 100 ms instead of 10 s, so the failing job spends its attempts within the test.
        var yml = dir.Write("slipway.yml", """
            application: jobs
            deploy_to: /srv/jobs
            stages: { local: { hosts: [ { host: localhost } ] } }
            queue:
              url: sqlite:queue.db
              retry: { base_delay: 100ms, max_delay: 1s, jitter: 0 }
            """);
        var port = FreePorts.Tcp();
        string[] env =
        [
            $"SLIPWAY_QUEUE_URL=http://127.0.0.1:{port}", $"SLIPWAY_QUEUE_TOKEN={Token}", $"DJANGO_DATABASE={dir.File("site.sqlite3")}",
            "DJANGO_ALLOWED_HOSTS=testserver", "PYTHONDONTWRITEBYTECODE=1", "PYTHONUNBUFFERED=1",
        ];
        var manage = Path.Combine(site, "manage.py");

        var serveLog = dir.File("serve.log");
        var workerLog = dir.File("worker.log");
        using var serve = ServerProcess.Start("dotnet", [SlipwayDll, "queue", "serve", "-f", yml, "--http", $"127.0.0.1:{port}", "--token", Token], serveLog);
        Process? worker = null;
        try
        {
            await ServerProcess.WaitForPortAsync(port, serve, serveLog, ct);
            var migrate = await ProcessTools.RunAsync("/usr/bin/env", [.. env, Python, manage, "migrate", "-v0"], ct);
            migrate.ExitCode.ShouldBe(0, migrate.Stderr);
            worker = ServerProcess.Start("/usr/bin/env", [.. env, Python, manage, "runjobs", "notes", "--concurrency", "2", "--wait", "5"], workerLog);

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            var pushed = await PushAsync(http, """{"payload": {"task": "pages.jobs.add_note", "args": ["pushed over http"], "kwargs": {}}}""", ct);

            // The site's view queues a job through the Python client (Django's test client, no web server needed).
            var view = await ProcessTools.RunAsync("/usr/bin/env", [.. env, Python, manage, "shell", "-c",
                "from django.test import Client; r = Client().post('/notes', {'text': 'queued by a view'}); print(r.status_code, r.content.decode())"], ct);
            view.Stdout.ShouldStartWith("202 queued job ", customMessage: view.Stderr);

            var failing = await PushAsync(http, """{"payload": {"task": "pages.jobs.add_note", "args": ["  "], "kwargs": {}}, "max_attempts": 2}""", ct);

            var settled = await Eventually.ForAsync(async () =>
            {
                var stats = JsonDocument.Parse(await http.GetStringAsync("api/queues/notes", ct)).RootElement;
                return stats.GetProperty("succeeded").GetInt64() == 2 && stats.GetProperty("dead").GetInt64() == 1;
            }, TimeSpan.FromSeconds(90), ct);
            settled.ShouldBeTrue($"jobs not done.\nworker:\n{ServerProcess.SafeRead(workerLog)}\nserve:\n{ServerProcess.SafeRead(serveLog)}");

            var notes = await ProcessTools.RunAsync("/usr/bin/env", [.. env, Python, manage, "shell", "-c",
                "from pages.models import Note; print(sorted(Note.objects.values_list('text', flat=True)))"], ct);
            notes.Stdout.Trim().ShouldBe("['pushed over http', 'queued by a view']", notes.Stderr);

            var peek = await CliRunner.RunAsync(["queue", "peek", "notes", failing.ToString(CultureInfo.InvariantCulture), "-f", yml, "--json"], 100, ct);
            var job = JsonDocument.Parse(peek.Stdout).RootElement.GetProperty("jobs")[0];
            job.GetProperty("state").GetString().ShouldBe("dead");
            job.GetProperty("attempts_used").GetInt32().ShouldBe(2);
            job.GetProperty("last_error").GetString().ShouldBe("ValueError: a note needs some text");
            job.GetProperty("output").GetString()!.ShouldContain("Traceback (most recent call last)");
            var succeeded = await CliRunner.RunAsync(["queue", "peek", "notes", pushed.ToString(CultureInfo.InvariantCulture), "-f", yml, "--json"], 100, ct);
            JsonDocument.Parse(succeeded.Stdout).RootElement.GetProperty("jobs")[0].GetProperty("state").GetString().ShouldBe("succeeded");

            // SIGTERM, as a supervisor stops it: the worker ends its long poll and exits 0.
            await ServerProcess.StopAsync(worker, TimeSpan.FromSeconds(30));
            worker.ExitCode.ShouldBe(0, ServerProcess.SafeRead(workerLog));
            var said = ServerProcess.SafeRead(workerLog);
            said.ShouldContain($"job {failing} (notes) attempt 1 failed (retrying): ValueError: a note needs some text");
            said.ShouldContain($"job {failing} (notes) attempt 2 failed (dead)");
            said.ShouldContain("stopped: 2 jobs done, 2 failed");
        }
        finally
        {
            if (worker is not null)
            {
                await ServerProcess.StopAsync(worker, TimeSpan.FromSeconds(30));
                worker.Dispose();
            }

            await ServerProcess.StopAsync(serve, TimeSpan.FromSeconds(30));
        }

        serve.ExitCode.ShouldBe(0, ServerProcess.SafeRead(serveLog));
    }

    private static async Task<long> PushAsync(HttpClient http, string body, CancellationToken ct)
    {
        using var response = await http.PostAsync("api/queues/notes/jobs", new StringContent(body, Encoding.UTF8, "application/json"), ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        ((int)response.StatusCode).ShouldBe(201, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetInt64();
    }

    private static void Copy(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
