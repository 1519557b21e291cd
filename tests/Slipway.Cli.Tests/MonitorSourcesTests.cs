using System.Globalization;
using Slipway.Cli.Tests.Support;
using Slipway.Logs.Model;
using Slipway.Logs.Storage;
using Slipway.Supervisor.Tests.Compat;
using Slipway.Testing;

namespace Slipway.Cli.Tests;

/// <summary>
/// The built-ins that read other parts of Slipway, through <c>slipway monitor run</c> on the real parts: a supervise
/// daemon (our own, as a process) asked over its XML-RPC socket and its HTTP server with credentials, the job queue's
/// SQLite engine filled by <c>slipway queue push</c>, and the central logs' SQLite store.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class MonitorSourcesTests : IDisposable
{
    private readonly TempDir _dir = new("slw-monsrc-");

    public void Dispose() => _dir.Dispose();

    private static Task<CliResult> Run(CancellationToken ct, params string[] args) => CliRunner.RunAsync(args, 200, ct);

    private string Config(string checks, string extra = "") => _dir.Write("slipway.yml", $$"""
        application: shop
        deploy_to: {{_dir.File("srv")}}
        stages:
          local:
            hosts:
              - { host: web1, roles: [web] }
        {{extra}}
        monitor:
          checks:
        {{checks}}
        """);

    [Fact(Timeout = 120_000)]
    public async Task Supervise_asks_the_daemon_like_supervisorctl_running_is_ok_fatal_is_critical_and_a_dead_socket_critical()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var daemon = await Daemon.StartAsync(Daemon.Slipway, """
            [program:web]
            command=sleep 600
            numprocs=2
            process_name=%(program_name)s_%(process_num)02d

            [program:broken]
            command=/bin/false
            startretries=0
            autorestart=false
            """, ct, user: "ops", password: "s3cret");
        await daemon.WaitForAsync("broken", "FATAL", ct);
        // RUNNING only after startsecs (1 s): a check asked before that sees STARTING and rightly warns.
        await daemon.WaitForAsync("web:web_00", "RUNNING", ct);
        await daemon.WaitForAsync("web:web_01", "RUNNING", ct);
        var http = "http://ops:s3cret@127.0.0.1:" + daemon.Port.ToString(CultureInfo.InvariantCulture);
        var file = Config($"""
                web_procs: {"{"} type: supervise, program: web {"}"}
                broken: {"{"} type: supervise, program: broken {"}"}
                over_http: {"{"} type: supervise, program: "web:web_01", socket: "{http}" {"}"}
                gone: {"{"} type: supervise, program: web, socket: {_dir.File("nothing.sock")} {"}"}
            """, $"supervisor: {{ kind: slipway, socket: {daemon.Socket} }}");

        var web = await Run(ct, "monitor", "run", "web_procs", "-f", file);
        var broken = await Run(ct, "monitor", "run", "broken", "-f", file);
        var overHttp = await Run(ct, "monitor", "run", "over_http", "-f", file);
        var gone = await Run(ct, "monitor", "run", "gone", "-f", file);

        web.ExitCode.ShouldBe(ExitCodes.Success, web.Output);
        web.Stdout.ShouldStartWith("web_procs@web1 OK: SUPERVISE OK - web: 2 of 2 RUNNING");
        web.Stdout.ShouldContain("running=2;;;0;2");
        broken.ExitCode.ShouldBe(ExitCodes.CommandFailed, broken.Output);
        broken.Stdout.ShouldStartWith("broken@web1 CRITICAL: SUPERVISE CRITICAL - broken: 0 of 1 RUNNING; broken FATAL");
        overHttp.Stdout.ShouldStartWith("over_http@web1 OK: SUPERVISE OK - web:web_01: 1 of 1 RUNNING", customMessage: overHttp.Output);
        gone.ExitCode.ShouldBe(ExitCodes.CommandFailed, gone.Output);
        gone.Stdout.ShouldStartWith("gone@web1 CRITICAL: SUPERVISE CRITICAL - cannot reach the supervisor at unix://" + _dir.File("nothing.sock"));

        (await daemon.CtlAsync(ct, "stop", "web:web_00")).Code.ShouldBe(0);
        var stopped = await Run(ct, "monitor", "run", "web_procs", "-f", file);
        stopped.Stdout.ShouldStartWith("web_procs@web1 CRITICAL: SUPERVISE CRITICAL - web: 1 of 2 RUNNING; web:web_00 STOPPED", customMessage: stopped.Output);
    }

    [Fact(Timeout = 90_000)]
    public async Task Queue_depth_and_oldest_age_come_from_the_queue_slipway_queue_push_fills()
    {
        var ct = TestContext.Current.CancellationToken;
        var file = Config("""
                mail_depth: { type: queue, queue: mail, critical: 2 }
                mail_age: { type: queue, queue: mail, measure: oldest_age, warning: 3600 }
                idle: { type: queue, queue: reports, critical: 0 }
            """);
        for (var i = 0; i < 3; i++)
        {
            var push = await Run(ct, "queue", "push", "mail", "--payload", $"{{\"n\": {i}}}", "-f", file);
            push.ExitCode.ShouldBe(ExitCodes.Success, push.Output);
        }

        var depth = await Run(ct, "monitor", "run", "mail_depth", "-f", file);
        var age = await Run(ct, "monitor", "run", "mail_age", "-f", file);
        var idle = await Run(ct, "monitor", "run", "idle", "-f", file);

        depth.ExitCode.ShouldBe(ExitCodes.CommandFailed, depth.Output);
        depth.Stdout.ShouldStartWith("mail_depth@web1 CRITICAL: QUEUE CRITICAL - queue mail: 3 ready, oldest ");
        depth.Stdout.ShouldContain("ready=3;;2;0");
        age.ExitCode.ShouldBe(ExitCodes.Success, age.Output);
        age.Stdout.ShouldStartWith("mail_age@web1 OK: QUEUE OK - queue mail: oldest ready job waiting ");
        age.Stdout.ShouldContain("(3 ready)");
        idle.Stdout.ShouldStartWith("idle@web1 OK: QUEUE OK - queue reports: 0 ready", customMessage: idle.Output);
    }

    [Fact(Timeout = 60_000)]
    public async Task Log_errors_count_err_and_worse_in_the_central_logs_over_the_window()
    {
        var ct = TestContext.Current.CancellationToken;
        var db = _dir.File("logs.db");
        var now = DateTimeOffset.UtcNow;
        await using (var store = LogStoreFactory.Open(db))
        {
            await store.MigrateAsync(ct);
            var events = new List<LogEvent>();
            for (var i = 0; i < 12; i++)
            {
                events.Add(new LogEvent { ReceivedAt = now.AddSeconds(-10 - i), Host = "web1", Program = "gunicorn", Severity = 3, Message = "Traceback " + i });
            }

            events.Add(new LogEvent { ReceivedAt = now.AddSeconds(-5), Host = "web1", Program = "nginx", Severity = 2, Message = "crit" });
            events.Add(new LogEvent { ReceivedAt = now.AddSeconds(-5), Host = "web1", Program = "nginx", Severity = 4, Message = "a warning is not an error" });
            events.Add(new LogEvent { ReceivedAt = now.AddHours(-1), Host = "web1", Program = "gunicorn", Severity = 3, Message = "outside the window" });
            await store.WriteAsync(events, ct);
        }

        var file = Config("""
                errors: { type: log_errors, window: 5m, warning: 1, critical: 5 }
                nginx_errors: { type: log_errors, window: 1m, program: nginx, log_host: web1, warning: 1 }
            """, $"logs: {{ db: {db} }}");

        var all = await Run(ct, "monitor", "run", "errors", "-f", file);
        var nginx = await Run(ct, "monitor", "run", "nginx_errors", "-f", file);

        all.ExitCode.ShouldBe(ExitCodes.CommandFailed, all.Output);
        all.Stdout.ShouldStartWith("errors@web1 WARNING: LOG ERRORS WARNING - 2.6 errors/min over 5m (13 events); most from gunicorn@web1 12, nginx@web1 1");
        nginx.ExitCode.ShouldBe(ExitCodes.Success, nginx.Output);
        nginx.Stdout.ShouldStartWith("nginx_errors@web1 OK: LOG ERRORS OK - 1 errors/min over 1m from nginx on web1 (1 events)");
    }
}
