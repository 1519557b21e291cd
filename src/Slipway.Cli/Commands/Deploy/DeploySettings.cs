using System.ComponentModel;
using Slipway.Recipes;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Deploy;

/// <summary>How a release command's options shape its run; read once by <see cref="ReleaseCommandBase{TSettings}"/>.</summary>
public interface IReleaseRunSettings
{
    /// <summary>No live phase lines (--json, or a command that prints only its own result).</summary>
    bool QuietProgress { get; }

    /// <summary>Every line the hosts print (--verbose).</summary>
    bool ShowHostOutput { get; }

    /// <summary>What the command asks of the recipes.</summary>
    RecipeOptions Recipes { get; }
}

/// <summary>Options of commands that change hosts (deploy, rollback).</summary>
public class ChangeSettings : StageSettings, IReleaseRunSettings
{
    [CommandOption("-m|--message <TEXT>")]
    [Description("Why: recorded in the lock (shown to anyone who tries to deploy meanwhile) and the history.")]
    public string? Message { get; init; }

    [CommandOption("-w|--wait <DURATION>")]
    [Description("When another run holds the lock, wait for it this long (e.g. 90s, 5m) instead of refusing.")]
    public string? Wait { get; init; }

    [CommandOption("-v|--verbose")]
    [Description("Show every host's command output as it runs (the failing step's output is always shown).")]
    public bool Verbose { get; init; }

    [CommandOption("--json")]
    [Description("One JSON object with the result, every failure and every host's final state.")]
    public bool Json { get; init; }

    internal TimeSpan? WaitTime => Duration.Parse(Wait);

    bool IReleaseRunSettings.QuietProgress => Json;

    bool IReleaseRunSettings.ShowHostOutput => Verbose;

    RecipeOptions IReleaseRunSettings.Recipes => RecipeChoices();

    private protected virtual RecipeOptions RecipeChoices() => new();

    public override ValidationResult Validate() =>
        Wait is not null && Duration.Parse(Wait) is null
            ? ValidationResult.Error($"--wait must be a duration such as 30s, 5m or 1h, got '{Wait}'.")
            : ValidationResult.Success();
}

public sealed class DeploySettings : ChangeSettings
{
    [CommandOption("--revision <SHA>")]
    [Description("Deploy this commit (or tag) instead of the stage's branch.")]
    public string? Revision { get; init; }

    [CommandOption("-b|--branch <BRANCH>")]
    [Description("Deploy the tip of this branch instead of the stage's branch.")]
    public string? Branch { get; init; }

    [CommandOption("-n|--dry-run")]
    [Description("Print every script each host would run, and what depends on the hosts' state; change nothing.")]
    public bool DryRun { get; init; }

    [CommandOption("--watch <DURATION>")]
    [Description("After a successful deploy, watch the central logs (logs.db) this long (e.g. 5m) and compare errors with the same time before; exit 4 if traceback groups appear that were never seen before. Default: logs.watch_after_deploy; 0 does not watch.")]
    public string? Watch { get; init; }

    internal TimeSpan? WatchTime => Duration.Parse(Watch);

    [CommandOption("--no-auto-rollback")]
    [Description("If publishing fails on a host, leave every host as it is instead of switching all back.")]
    public bool NoAutoRollback { get; init; }

    public override ValidationResult Validate()
    {
        if (Revision is not null && Branch is not null)
        {
            return ValidationResult.Error("give --revision or --branch, not both.");
        }

        if (Watch is not null && (WatchTime is not { } w || w < TimeSpan.Zero))
        {
            return ValidationResult.Error($"--watch must be a duration such as 30s, 5m or 1h, got '{Watch}'.");
        }

        if (WatchTime > TimeSpan.Zero && (Json || DryRun))
        {
            return ValidationResult.Error(Json ? "--watch prints its own lines; it cannot be combined with --json." : "--watch has nothing to watch in a --dry-run.");
        }

        return base.Validate();
    }
}

public sealed class RollbackSettings : ChangeSettings
{
    [CommandOption("--to <RELEASE>")]
    [Description("The release to go back to (a name from slipway releases); default: the previous good one.")]
    public string? To { get; init; }

    [CommandOption("--force")]
    [Description("Roll back even if hosts disagree about the live release, or to a release marked bad.")]
    public bool Force { get; init; }

    [CommandOption("--migrate")]
    [Description("Django recipe: first reverse the migrations applied after the target release (manage.py migrate APP NAME, with the newer release's code, on the migrate host).")]
    public bool Migrate { get; init; }

    private protected override RecipeOptions RecipeChoices() => new() { ReverseMigrations = Migrate };
}

public sealed class ReleasesSettings : StageSettings, IReleaseRunSettings
{
    bool IReleaseRunSettings.QuietProgress => Json;

    bool IReleaseRunSettings.ShowHostOutput => false;

    RecipeOptions IReleaseRunSettings.Recipes => new();

    [CommandOption("--json")]
    [Description("One JSON array: per host, current, lock and every release with state and commit.")]
    public bool Json { get; init; }
}

public sealed class HistorySettings : StageSettings, IReleaseRunSettings
{
    // History prints only its table (or JSON lines): never phase lines.
    bool IReleaseRunSettings.QuietProgress => true;

    bool IReleaseRunSettings.ShowHostOutput => false;

    RecipeOptions IReleaseRunSettings.Recipes => new();

    [CommandOption("-n|--limit <N>")]
    [Description("Show the last N entries (default 20).")]
    [DefaultValue(20)]
    public int Limit { get; init; } = 20;

    [CommandOption("--local")]
    [Description("Read the record kept on this machine instead of the hosts' (only deploys run from here).")]
    public bool Local { get; init; }

    [CommandOption("--json")]
    [Description("The entries as JSON lines, as stored, plus recorded_on, missing_on (hosts) and recorded_here.")]
    public bool Json { get; init; }

    public override ValidationResult Validate() =>
        Limit is < 1 or > 100000 ? ValidationResult.Error("--limit must be from 1 to 100000.") : ValidationResult.Success();
}

public sealed class MaintenanceSettings : StageSettings, IReleaseRunSettings
{
    bool IReleaseRunSettings.QuietProgress => Json;

    bool IReleaseRunSettings.ShowHostOutput => false;

    RecipeOptions IReleaseRunSettings.Recipes => new();

    [CommandOption("--json")]
    [Description("One JSON object with the result and every host's state.")]
    public bool Json { get; init; }
}

/// <summary>The one duration syntax (Slipway.Core.Durations): 500ms, 90s, 5m, 1h, 1d, 2w or plain seconds.</summary>
internal static class Duration
{
    public static TimeSpan? Parse(string? text) => Slipway.Core.Durations.Parse(text);
}
