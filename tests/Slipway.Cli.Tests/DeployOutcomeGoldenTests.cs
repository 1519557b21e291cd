using Slipway.Cli.Commands.Deploy;
using Slipway.Core.Config;
using Slipway.Deploy.Execution;
using Slipway.Testing;
using Spectre.Console;

namespace Slipway.Cli.Tests;

/// <summary>The last lines a deploy or rollback prints (text and --json), locked by golden files.</summary>
public sealed class DeployOutcomeGoldenTests
{
    private static readonly HostConfig Web1 = new() { Host = "web1.example.com", User = "deploy" };
    private static readonly HostConfig Web2 = new() { Host = "web2.example.com", User = "deploy", Port = 2222 };

    private const string Release = "20261204170000";
    private const string Previous = "20261203120000";
    private const string Commit = "3f9c2a1d0b8e7f6a5c4d3e2f1a0b9c8d7e6f5a4b";

    public static TheoryData<string> Cases => [.. Outcomes().Keys];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Text_outcome(string name) => Golden.Verify(Print(Outcomes()[name], json: false), "Deploy", name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Json_outcome(string name) => Golden.Verify(Print(Outcomes()[name], json: true), "Deploy", name + ".json");

    private static string Print(RunOutcome outcome, bool json)
    {
        var writer = new StringWriter { NewLine = "\n" };
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        var code = OutcomePrinter.Print(console, outcome, json);
        return writer + $"(exit code {code})\n";
    }

    private static Dictionary<string, RunOutcome> Outcomes()
    {
        var duration = TimeSpan.FromMilliseconds(4321);
        var updateFailed = new HostFailure(Web2, "update", "after_update[0]", FailureKind.StepFailed,
            "after_update hook `bin/build-assets` failed (exit code 2)", ["npm ERR! missing script: build", "exit 2"]);
        return new Dictionary<string, RunOutcome>(StringComparer.Ordinal)
        {
            ["deploy-succeeded"] = new()
            {
                Action = "deploy", Result = RunResult.Succeeded, Release = Release, Commit = Commit, Branch = "main", Duration = duration,
                LogPath = "/home/me/shop/.slipway/logs/production-deploy.log",
                Hosts =
                [
                    new HostReport(Web1, Release, HostFate.Done, $"live: new release (previous {Previous})"),
                    new HostReport(Web2, Release, HostFate.Done, "live: new release (first deploy)"),
                ],
            },
            ["deploy-failing-host-rolled-back"] = new()
            {
                Action = "deploy", Result = RunResult.RolledBack, Release = Release, Commit = Commit, Branch = "main", Duration = duration,
                LogPath = "/home/me/shop/.slipway/logs/production-deploy.log",
                Failures = [updateFailed],
                Hosts =
                [
                    new HostReport(Web1, Previous, HostFate.Unchanged, "unchanged; new release removed"),
                    new HostReport(Web2, Previous, HostFate.Unchanged, "unchanged; new release removed"),
                ],
            },
            ["deploy-undo-failed"] = new()
            {
                Action = "deploy", Result = RunResult.Incomplete, Release = Release, Commit = Commit, Branch = "main", Duration = duration,
                LogPath = "/home/me/shop/.slipway/logs/production-deploy.log",
                Failures = [new HostFailure(Web1, "update", null, FailureKind.Unreachable, "lost the connection to deploy@web1.example.com", [])],
                Hosts =
                [
                    new HostReport(Web1, Previous, HostFate.Unknown, $"UNKNOWN: could not clean up; may still hold releases/{Release} and the deploy lock (unreachable)"),
                    new HostReport(Web2, Previous, HostFate.Unchanged, "unchanged; new release removed"),
                ],
            },
            ["deploy-locked"] = new()
            {
                Action = "deploy", Result = RunResult.NothingChanged, Release = null, Commit = Commit, Branch = "main", Duration = duration,
                Failures =
                [
                    new HostFailure(Web1, "check", "verify", FailureKind.CheckFailed, "shared/.env is missing; git is not installed", [])
                    {
                        Missing = ["shared/.env", "git is not installed"],
                    },
                ],
                Hosts = [new HostReport(Web1, Previous, HostFate.Unchanged, "unchanged"), new HostReport(Web2, Previous, HostFate.Unchanged, "unchanged")],
            },
            ["rollback-succeeded"] = new()
            {
                Action = "rollback", Result = RunResult.Succeeded, Release = Previous, Duration = duration,
                Hosts =
                [
                    new HostReport(Web1, Previous, HostFate.Done, $"live: rolled back from {Release} (now marked bad)"),
                    new HostReport(Web2, Previous, HostFate.Done, $"live: rolled back from {Release} (now marked bad)"),
                ],
            },
            ["rollback-revert-failed"] = new()
            {
                Action = "rollback", Result = RunResult.Incomplete, Release = Previous, Duration = duration, Cancelled = true,
                LogPath = "/home/me/shop/.slipway/logs/production-rollback.log",
                Failures =
                [
                    new HostFailure(Web2, "publish", null, FailureKind.Cancelled, "cancelled", []),
                    new HostFailure(Web2, "revert", null, FailureKind.TimedOut, "timed out after 30s", []),
                ],
                Hosts =
                [
                    new HostReport(Web1, Release, HostFate.Unchanged, "back on the release it had"),
                    new HostReport(Web2, null, HostFate.Unknown, "UNKNOWN: switching back failed"),
                ],
            },
            ["deploy-no-repo-url"] = new()
            {
                Action = "deploy", Result = RunResult.NothingChanged, Branch = "main", Duration = duration,
                Error = "repo_url is not set in slipway.yml; it says where the code to deploy comes from",
            },
        };
    }
}
