using System.ComponentModel;
using Slipway.Cli.Output;
using Slipway.Core.Config;
using Slipway.Deploy.Execution;
using Slipway.Deploy.Model;
using Slipway.Deploy.Source;
using Slipway.Recipes;
using Slipway.Remote;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Deploy;

public sealed class PromoteSettings : ConfigFileSettings
{
    [CommandArgument(0, "<FROM>")]
    [Description("The stage whose live commit is promoted, such as staging.")]
    public string From { get; init; } = "";

    [CommandArgument(1, "<TO>")]
    [Description("The stage it is deployed to, such as production.")]
    public string To { get; init; } = "";

    [CommandOption("--force")]
    [Description("Promote although the commit has been live on FROM for less than promote.min_age (recorded in the history).")]
    public bool Force { get; init; }

    [CommandOption("-m|--message <TEXT>")]
    [Description("Why: recorded in the lock and the history, after the promotion note.")]
    public string? Message { get; init; }

    [CommandOption("-n|--dry-run")]
    [Description("Say what would be promoted and the commits TO gains, without deploying.")]
    public bool DryRun { get; init; }

    [CommandOption("-v|--verbose")]
    [Description("Show every host's command output as it runs.")]
    public bool Verbose { get; init; }

    [CommandOption("--json")]
    [Description("One JSON object: the deploy's outcome (as deploy --json).")]
    public bool Json { get; init; }

    public override ValidationResult Validate() =>
        From == To ? ValidationResult.Error($"FROM and TO are both '{From}'; promote moves code between two stages.") : ValidationResult.Success();
}

/// <summary>
/// <c>slipway promote FROM TO</c>: deploys to TO the exact commit live on every host of FROM (not the branch head),
/// refusing when FROM's hosts disagree or the commit is younger than <c>promote.min_age</c> (unless --force).
/// </summary>
public sealed class PromoteCommand(IAnsiConsole console) : AsyncCommand<PromoteSettings>
{
    private const int ShownCommits = 30;

    public override async Task<int> ExecuteAsync(CommandContext context, PromoteSettings settings, CancellationToken cancellationToken)
    {
        // The promoted deploy runs the recipes (django, processes, health) exactly as `slipway deploy` does.
        SlipwayConfig? config;
        try
        {
            config = ConfigSource.Load(console, settings.File) is { } loaded ? RecipeExpander.Apply(loaded, new RecipeOptions()) : null;
        }
        catch (RecipeException e)
        {
            ConsoleText.Error(console, $"{settings.File ?? "slipway.yml"}: {e.Message}");
            return ExitCodes.UsageOrConfig;
        }

        var from = config is null ? null : ConfigSource.FindStage(console, config, settings.From);
        var to = config is null || from is null ? null : ConfigSource.FindStage(console, config, settings.To);
        if (config is null || from is null || to is null)
        {
            return ExitCodes.UsageOrConfig;
        }

        if (string.IsNullOrEmpty(config.RepoUrl))
        {
            ConsoleText.Error(console, $"repo_url is not set in {config.SourceFile}; it says where the code to deploy comes from.");
            return ExitCodes.UsageOrConfig;
        }

        await using var sessions = new SessionPool(config.Ssh);
        var source = new SourceResolver(new LocalGit(), ReleaseManager.SourceCacheDir(config));
        var reader = new ReleaseManager(sessions, source, TimeProvider.System, SilentReporter.Instance, RunIdentity.Current(), verbose: false);
        var live = await StageLiveReader.ReadAsync(reader, config, from, cancellationToken);
        var decision = PromotionPlanner.Decide(live, PromotionPlanner.RuleFor(config, from.Name, to.Name), settings.Force, TimeProvider.System.GetUtcNow());
        if (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Cancelled;
        }

        if (!decision.Allowed)
        {
            ConsoleText.Error(console, "not promoting: " + decision.Reason + ".");
            return live.Hosts.Any(h => h.Problem == "unreachable") ? ExitCodes.ConnectionFailed : ExitCodes.CommandFailed;
        }

        var commit = decision.Commit!;
        if (!settings.Json)
        {
            ConsoleText.Line(console, decision.Reason, decision.Forced ? ConsoleText.Yellow : null);
        }

        var target = await StageLiveReader.ReadAsync(reader, config, to, cancellationToken);
        if (target.InStep && target.Commit == commit)
        {
            ConsoleText.Line(console, $"{to.Name} already runs {commit[..7]} on every host; nothing to promote.");
            return ExitCodes.Success;
        }

        if (!settings.Json)
        {
            await PrintGainsAsync(source, config, to.Name, target.MajorityCommit, commit, cancellationToken);
        }

        if (settings.DryRun)
        {
            ConsoleText.Line(console, $"dry run: would deploy {commit} to {to.Name} ({to.Hosts.Count} host{(to.Hosts.Count == 1 ? "" : "s")}).");
            return ExitCodes.Success;
        }

        var note = $"promoted from {from.Name}" + (decision.Forced ? $" with --force ({decision.Reason})" : "");
        var request = new DeployRequest
        {
            Config = config, Stage = to, Hosts = to.Hosts, Revision = commit, PublishParallelism = RecipeExpander.PublishParallelism(config),
            Message = settings.Message is null ? note : $"{note}: {settings.Message}",
        };
        IDeployReporter reporter = settings.Json ? SilentReporter.Instance : new TextDeployReporter(console, to.Hosts);
        var deployer = new ReleaseManager(sessions, source, TimeProvider.System, reporter, RunIdentity.Current(), settings.Verbose);
        return OutcomePrinter.Print(console, await deployer.DeployAsync(request, cancellationToken), settings.Json);
    }

    private async Task PrintGainsAsync(SourceResolver source, SlipwayConfig config, string to, string? targetCommit, string commit, CancellationToken ct)
    {
        try
        {
            var commits = await source.LogAsync(ReleaseManager.RepoUrlFor(config)!, targetCommit, commit, ShownCommits + 1, ct);
            var what = targetCommit is null ? $"{to} has nothing live yet; it gets" : $"{to} gains";
            ConsoleText.Line(console, commits.Count == 0
                ? $"{to} gains no commits (it is ahead of or level with this commit)"
                : $"{what} {(commits.Count > ShownCommits ? $"more than {ShownCommits}" : commits.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))} commit{(commits.Count == 1 ? "" : "s")}:");
            foreach (var c in commits.Take(ShownCommits))
            {
                ConsoleText.Line(console, $"  {c.Commit[..7]}  {c.Subject}  ({c.Author})");
            }
        }
        catch (SourceException e)
        {
            ConsoleText.Warning(console, "could not list the commits: " + e.Message);
        }
    }
}
