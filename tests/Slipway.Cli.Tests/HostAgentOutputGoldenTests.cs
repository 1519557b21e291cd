using System.Runtime.Versioning;
using System.Text.Json;
using Slipway.Cli.Commands.Agent;
using Slipway.Cli.Commands.Hosts;
using Slipway.Core.Config;
using Slipway.Recipes.Setup;
using Slipway.Testing;
using Spectre.Console;

namespace Slipway.Cli.Tests;

/// <summary>
/// What the host commands print from the agents' answers (ps table and JSON, restart, unreachable hosts) and what the
/// agent itself prints for a failed program, locked by golden files.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class HostAgentOutputGoldenTests
{
    private static readonly SlipwayConfig Config = new()
    {
        SourceFile = "/tmp/slipway.yml", Application = "shop", DeployTo = "/srv/shop", Stages = [],
    };

    private static readonly HostConfig Web1 = new() { Host = "web1.example.com", User = "deploy" };
    private static readonly HostConfig Web2 = new() { Host = "web2.example.com", User = "deploy", Port = 2222 };
    private static readonly HostConfig Db = new() { Host = "db.example.com" };

    [Fact]
    public void Ps_table() => Golden.Verify(Print(c => HostAnswerPrinter.PrintPs(c, Answers(), asJson: false)), "HostAgent", "ps");

    [Fact]
    public void Ps_json() => Golden.Verify(Print(c => HostAnswerPrinter.PrintPs(c, Answers(), asJson: true)), "HostAgent", "ps.json");

    [Fact]
    public void Restart_lines() => Golden.Verify(Print(c => HostAnswerPrinter.PrintRestart(c,
    [
        Answer(Web1, 0, ["web: stopped", "web: started", "restart web"], []),
        Answer(Web2, 1, [], ["slipway agent: web: exited too quickly (process log may have details)", "  | ImportError: No module named shop"]),
        Unreachable(Db),
    ])), "HostAgent", "restart");

    [Fact]
    public void Unreachable_hosts() =>
        Golden.Verify(Print(c => HostAnswerPrinter.PrintUnreachable(c, [Answer(Web1, 0, [], []), Unreachable(Db)])), "HostAgent", "unreachable");

    [Fact]
    public void Agent_failure_text() => Golden.Verify(AgentOutput.FailureText(new AgentFailureRecord(
        "shop-web:web_0", "BACKOFF", "exited too quickly (process log may have details)", "",
        "Traceback (most recent call last):\n  File \"manage.py\", line 3\nImportError: No module named shop\n")), "HostAgent", "failure");

    private static IReadOnlyList<HostAnswer> Answers()
    {
        AgentProcessRecord Process(string group, string name, string state, int pid, long? uptime) =>
            new(group, name, group == name ? name : $"{group}:{name}", state, pid, 1_764_000_000, 1_764_000_000 + (uptime ?? 0), uptime, 0, "",
                pid > 0 ? $"pid {pid}, uptime 0:00:00" : "Exited too quickly");
        var status = new AgentStatusRecord("slipway", "RUNNING",
        [
            Process("shop-web", "web_0", "RUNNING", 4242, 3725),
            Process("shop-worker", "worker", "BACKOFF", 0, null),
            Process("other-app", "other", "RUNNING", 99, 200_000),
        ]);
        var json = JsonSerializer.Serialize(status, AgentJsonContext.Default.AgentStatusRecord);
        return
        [
            Answer(Web1, 0, ["release=20261204170000", json], []),
            Answer(Web2, 2, [], ["slipway is not installed on this host (/srv/shop/slipway/bin/slipway): run slipway setup first"]),
            Unreachable(Db),
        ];
    }

    private static HostAnswer Answer(HostConfig host, int exitCode, IReadOnlyList<string> stdout, IReadOnlyList<string> stderr) =>
        new(host, SetupPlan.For(Config, host), exitCode, stdout, stderr, null);

    private static HostAnswer Unreachable(HostConfig host) =>
        new(host, SetupPlan.For(Config, host), null, [], [], "db.example.com: connection refused (is sshd running on port 22?)");

    private static string Print(Action<IAnsiConsole> print)
    {
        var writer = new StringWriter { NewLine = "\n" };
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        print(console);
        return writer.ToString();
    }
}
