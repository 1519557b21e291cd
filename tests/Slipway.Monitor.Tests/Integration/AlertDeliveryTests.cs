using System.Net;
using System.Text;
using System.Text.Json;
using Slipway.Core.Config;
using Slipway.Logs.IntegrationTests.Fixtures;
using Slipway.Monitor.Alerts;
using Slipway.Monitor.Configuration;
using Slipway.Monitor.Scheduling;
using Slipway.Monitor.Service;
using Slipway.Monitor.Tests.Support;
using Slipway.Testing;

namespace Slipway.Monitor.Tests.Integration;

/// <summary>
/// <c>monitor serve</c>'s service telling a real problem and its recovery through every channel: a mail to a real SMTP
/// server (Debian's aiosmtpd), a webhook to an HTTP listener on loopback that fails its first request, and a command
/// that writes its environment to a file. Then a restart from the state file: the acknowledged problem stays
/// acknowledged and is not told again.
/// </summary>
public sealed class AlertDeliveryTests : IDisposable
{
    private readonly TempDir _dir = new("slw-alerts-");

    public void Dispose() => _dir.Dispose();

    private static readonly CheckOptions Fast = new()
    {
        CheckInterval = TimeSpan.FromMilliseconds(300),
        RetryInterval = TimeSpan.FromMilliseconds(300),
        MaxCheckAttempts = 2,
        Timeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>A check whose answer the test sets.</summary>
    private sealed class SwitchCheck : ICheck
    {
        private volatile CheckResult _result = new() { State = ServiceState.Ok, Output = "HTTP OK - 200" };

        public void Set(ServiceState state, string output) => _result = new CheckResult { State = state, Output = output };

        public Task<CheckResult> RunAsync(TimeSpan timeout, CancellationToken ct) => Task.FromResult(_result);
    }

    /// <summary>Receives webhook POSTs on 127.0.0.1; answers 500 to the first failFirst of them.</summary>
    private sealed class WebhookListener : IAsyncDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _loop;
        private readonly int _failFirst;
        private int _requests;

        public WebhookListener(int failFirst)
        {
            _failFirst = failFirst;
            Port = FreePorts.Tcp();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            _listener.Start();
            _loop = Task.Run(LoopAsync);
        }

        public int Port { get; }

        public int Requests => Volatile.Read(ref _requests);

        public List<JsonElement> Accepted { get; } = [];

        private async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                var body = await reader.ReadToEndAsync();
                if (Interlocked.Increment(ref _requests) <= _failFirst)
                {
                    context.Response.StatusCode = 500;
                }
                else
                {
                    lock (Accepted)
                    {
                        Accepted.Add(JsonDocument.Parse(body).RootElement.Clone());
                    }

                    context.Response.StatusCode = 204;
                }

                context.Response.Close();
            }
        }

        public List<string> Types()
        {
            lock (Accepted)
            {
                return [.. Accepted.Select(a => a.GetProperty("type").GetString()!)];
            }
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            _listener.Close();
            await _loop;
        }
    }

    private (MonitorService Service, List<Notification> Planned) Service(SwitchCheck check, AlertDispatcher dispatcher)
    {
        var service = new MonitorService([new ScheduledCheck("site@web1", check, Fast)], new MonitorServiceOptions
        {
            MarksPath = _dir.File(".slipway/monitor-marks.json"),
            StatePath = _dir.File(".slipway/monitor-state.json"),
            Housekeeping = TimeSpan.FromMilliseconds(100),
            Alerts = dispatcher,
            RenotifyInterval = TimeSpan.FromHours(1),
        }, new ListSink());
        var planned = new List<Notification>();
        service.AlertPlanned += n => { lock (planned) { planned.Add(n); } };
        return (service, planned);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_problem_and_its_recovery_reach_a_real_smtp_server_a_webhook_and_a_command_and_a_restart_does_not_repeat_them()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var smtp = await SmtpSink.StartAsync(ct);
        await using var webhook = new WebhookListener(failFirst: 1);
        var envDir = Directory.CreateDirectory(_dir.File("env")).FullName;
        var mail = new SmtpConfig { Server = $"127.0.0.1:{smtp.Port}", From = "monitor@example.com", To = ["ops@example.com"] };
        var reports = new List<DeliveryReport>();
        AlertDispatcher Dispatcher() => new(
            [
                new MailChannel(mail, null),
                new WebhookChannel(new Uri($"http://127.0.0.1:{webhook.Port}/hook"), TimeSpan.FromSeconds(5)),
                new CommandChannel($"env > {envDir}/$NOTIFICATIONTYPE-$NOTIFICATIONNUMBER.env", shell: true, TimeSpan.FromSeconds(10)),
            ],
            new DeliveryPolicy { Attempts = 3, FirstDelay = TimeSpan.FromMilliseconds(200) },
            r => { lock (reports) { reports.Add(r); } });

        var check = new SwitchCheck();
        var (service, planned) = Service(check, Dispatcher());
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            var running = service.RunAsync(stop.Token);
            check.Set(ServiceState.Critical, "HTTP CRITICAL - 502 Bad Gateway");

            // The problem turns HARD after two attempts and is told through each channel.
            (await Eventually.ForAsync(() => smtp.Messages.Count == 1 && webhook.Types().Count == 1 && File.Exists(Path.Combine(envDir, "PROBLEM-1.env")),
                TimeSpan.FromSeconds(30), ct)).ShouldBeTrue(Describe(reports));
            var problemMail = smtp.Messages.Single();
            problemMail.ShouldContain("Subject: ** PROBLEM: site@web1 is CRITICAL **");
            problemMail.ShouldContain("To: ops@example.com");
            problemMail.ShouldContain("Output: HTTP CRITICAL - 502 Bad Gateway");
            problemMail.ShouldContain("State: CRITICAL (was OK), HARD");
            webhook.Requests.ShouldBe(2, "the first POST was answered 500 and retried");
            var hook = webhook.Accepted.Single();
            hook.GetProperty("type").GetString().ShouldBe("PROBLEM");
            hook.GetProperty("check").GetString().ShouldBe("site@web1");
            hook.GetProperty("host").GetString().ShouldBe("web1");
            hook.GetProperty("state").GetString().ShouldBe("CRITICAL");
            hook.GetProperty("output").GetString().ShouldBe("HTTP CRITICAL - 502 Bad Gateway");
            var env = Environment(Path.Combine(envDir, "PROBLEM-1.env"));
            env["NOTIFICATIONTYPE"].ShouldBe("PROBLEM");
            env["HOSTNAME"].ShouldBe("web1");
            env["SERVICEDESC"].ShouldBe("site");
            env["SERVICESTATE"].ShouldBe("CRITICAL");
            env["SERVICESTATETYPE"].ShouldBe("HARD");
            env["SERVICEOUTPUT"].ShouldBe("HTTP CRITICAL - 502 Bad Gateway");
            env["NAGIOS_NOTIFICATIONTYPE"].ShouldBe("PROBLEM");
            env["SLIPWAY_CHECK"].ShouldBe("site@web1");

            // An acknowledgement while it runs: no re-notification, and it survives the restart below.
            await MonitorMarks.UpdateAsync(_dir.File(".slipway/monitor-marks.json"),
                m => m.Acknowledged["site@web1"] = new Acknowledgement(DateTimeOffset.UtcNow, "on it"), ct);
            (await Eventually.ForAsync(async () => (await MonitorStateFile.LoadAsync(_dir.File(".slipway/monitor-state.json"), ct))!
                .Checks.Single().Acknowledged, TimeSpan.FromSeconds(30), ct)).ShouldBeTrue();
            await stop.CancelAsync();
            await running.WaitAsync(TimeSpan.FromSeconds(30), ct);
        }

        // Restarted from the state file: still the same HARD problem, still acknowledged, told to nobody again.
        var (again, plannedAgain) = Service(check, Dispatcher());
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            var running = again.RunAsync(stop.Token);
            var after = await Eventually.ForAsync(async () =>
            {
                var state = (await MonitorStateFile.LoadAsync(_dir.File(".slipway/monitor-state.json"), ct))!.Checks.Single();
                return state.LastCheck > DateTimeOffset.UtcNow.AddSeconds(-1) && again.Scheduler.Lateness.Count >= 3;
            }, TimeSpan.FromSeconds(30), ct);
            after.ShouldBeTrue();
            again.Restored.ShouldBe(1);
            var status = again.Scheduler.Snapshot()["site@web1"];
            status.Acknowledged.ShouldBeTrue("the acknowledgement holds over the restart");
            status.Type.ShouldBe(StateType.Hard);
            plannedAgain.ShouldBeEmpty("the problem was told before the restart");

            // The recovery is told, to every channel.
            check.Set(ServiceState.Ok, "HTTP OK - 200");
            (await Eventually.ForAsync(() => smtp.Messages.Count == 2 && webhook.Types().Count == 2 && File.Exists(Path.Combine(envDir, "RECOVERY-1.env")),
                TimeSpan.FromSeconds(30), ct)).ShouldBeTrue(Describe(reports));
            await stop.CancelAsync();
            await running.WaitAsync(TimeSpan.FromSeconds(30), ct);
        }

        smtp.Messages.ShouldContain(m => m.Contains("Subject: ** RECOVERY: site@web1 is OK **", StringComparison.Ordinal)
            && m.Contains("State: OK (was CRITICAL)", StringComparison.Ordinal));
        webhook.Types().ShouldBe(["PROBLEM", "RECOVERY"]);
        Environment(Path.Combine(envDir, "RECOVERY-1.env"))["LASTSERVICESTATE"].ShouldBe("CRITICAL");
        planned.Select(n => n.Type).Concat(plannedAgain.Select(n => n.Type)).ShouldBe(["PROBLEM", "RECOVERY"]);
    }

    private static Dictionary<string, string> Environment(string path) =>
        File.ReadAllLines(path).Where(l => l.Contains('=', StringComparison.Ordinal))
            .Select(l => l.Split('=', 2)).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);

    private static string Describe(List<DeliveryReport> reports)
    {
        lock (reports)
        {
            return "deliveries: " + string.Join("; ", reports.Select(r => $"{r.Notification.Type} {r.Channel} #{r.Attempt} {r.Error ?? "ok"}"));
        }
    }
}
