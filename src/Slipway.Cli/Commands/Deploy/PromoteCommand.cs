using System.ComponentModel;
using Slipway.Cli.Output;
using Slipway.Core.Config;
using Slipway.Deploy.Execution;
using Slipway.Deploy.Source;
using Slipway.Recipes;
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
/// refusing when FROM's hosts disagree or the commit is younger than <c>promote.min_age</c> (unless --force). The
/// orchestration is <see cref="Promotion"/>'s; this command prints it.
/// </summary>
public sealed class PromoteCommand(IAnsiConsole console, TimeProvider time) : AsyncCommand<PromoteSettings>
{
    private const int ShownCommits = 30;

    public override async Task<int> ExecuteAsync(CommandContext context, PromoteSettings settings, CancellationToken cancellationToken)
    {
        // The promoted deploy runs the recipes (django, processes, health) exactly as `slipway deploy` does.
        await using var source = ConfigSource.OpenStage(console, settings.File, new StageQuery(settings.From) { Recipes = new RecipeOptions() });
        StageTarget? to = null;
        try
        {
            to = source?.Other(settings.To);
        }
        catch (StageTargetException e)
        {
            ConsoleText.Error(console, e.Message);
        }

        if (source is null || to is null)
        {
            return ExitCodes.UsageOrConfig;
        }

        var config = source.Config;
        if (string.IsNullOrEmpty(config.RepoUrl))
        {
            ConsoleText.Error(console, DeploySource.MissingRepoUrl(config) + ".");
            return ExitCodes.UsageOrConfig;
        }

        var manager = new ReleaseManager(source.Sessions, time, RunIdentity.Current());
        var plan = await new Promotion(manager, time).PlanAsync(config, source.Stage, to.Stage, settings.Force, cancellationToken);
        if (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Cancelled;
        }

        var decision = plan.Decision;
        if (!decision.Allowed)
        {
            ConsoleText.Error(console, "not promoting: " + decision.Reason + ".");
            return plan.SourceUnreachable ? ExitCodes.ConnectionFailed : ExitCodes.CommandFailed;
        }

        var commit = decision.Commit!;
        if (!settings.Json)
        {
            ConsoleText.Line(console, decision.Reason, decision.Forced ? ConsoleText.Yellow : null);
        }

        if (plan.AlreadyThere)
        {
            ConsoleText.Line(console, $"{to.Stage.Name} already runs {commit[..7]} on every host; nothing to promote.");
            return ExitCodes.Success;
        }

        if (!settings.Json)
        {
            await PrintGainsAsync(config, plan, cancellationToken);
        }

        if (settings.DryRun)
        {
            ConsoleText.Line(console, $"dry run: would deploy {commit} to {to.Stage.Name} ({to.Hosts.Count} host{(to.Hosts.Count == 1 ? "" : "s")}).");
            return ExitCodes.Success;
        }

        var template = new DeployRequest
        {
            Config = config, Stage = to.Stage, Hosts = to.Hosts, PublishParallelism = RecipeExpander.PublishParallelism(config),
            Reporter = settings.Json ? SilentReporter.Instance : new TextDeployReporter(console, to.Hosts), Verbose = settings.Verbose,
        };
        var outcome = await Monitor.DeployMonitoring.AroundAsync(console, config, to.Stage, to.Hosts, "promote", time,
            () => manager.DeployAsync(Promotion.Request(template, plan, settings.Message), cancellationToken), cancellationToken);
        return OutcomePrinter.Print(console, outcome, settings.Json);
    }

    private async Task PrintGainsAsync(SlipwayConfig config, PromotionPlan plan, CancellationToken ct)
    {
        var to = plan.To.Name;
        try
        {
            var commits = await Promotion.GainsAsync(config, plan, ShownCommits + 1, ct);
            var what = plan.Target?.MajorityCommit is null ? $"{to} has nothing live yet; it gets" : $"{to} gains";
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
