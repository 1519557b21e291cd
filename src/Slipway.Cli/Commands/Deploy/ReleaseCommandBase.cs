using Slipway.Cli.Output;
using Slipway.Core.Config;
using Slipway.Deploy.Execution;
using Slipway.Deploy.Source;
using Slipway.Recipes;
using Slipway.Remote;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Deploy;

/// <summary>Shared plumbing: load the config, pick the hosts, build the manager, print the outcome.</summary>
public abstract class ReleaseCommandBase<TSettings>(IAnsiConsole console) : AsyncCommand<TSettings>
    where TSettings : StageSettings
{
    protected IAnsiConsole Console => console;

    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        // Recipes (django, processes, health) become labelled hooks here, so every release command sees the same steps.
        Slipway.Core.Diagnostics.Timeline.Mark("command execute");
        SlipwayConfig? config;
        try
        {
            config = ConfigSource.Load(console, settings.File) is { } loaded
                ? RecipeExpander.Apply(loaded, new RecipeOptions { ReverseMigrations = settings is RollbackSettings { Migrate: true } })
                : null;
        }
        catch (RecipeException e)
        {
            ConsoleText.Error(console, $"{settings.File ?? "slipway.yml"}: {e.Message}");
            return ExitCodes.UsageOrConfig;
        }

        Slipway.Core.Diagnostics.Timeline.Mark("config loaded + recipes");
        var stage = config is null ? null : ConfigSource.FindStage(console, config, settings.Stage);
        if (config is null || stage is null)
        {
            return ExitCodes.UsageOrConfig;
        }

        var selection = HostFilter.Select(stage, HostFilter.SplitList(settings.Roles), HostFilter.SplitList(settings.Hosts));
        if (selection.Error is not null)
        {
            ConsoleText.Error(console, selection.Error);
            return ExitCodes.UsageOrConfig;
        }

        var request = new DeployRequest
        {
            Config = config, Stage = stage, Hosts = selection.Hosts, PublishParallelism = RecipeExpander.PublishParallelism(config),
        };
        var quiet = settings is ChangeSettings { Json: true } or ReleasesSettings { Json: true } or MaintenanceSettings { Json: true } or HistorySettings;
        IDeployReporter reporter = quiet ? SilentReporter.Instance : new TextDeployReporter(console, selection.Hosts);
        await using var sessions = new SessionPool(config.Ssh);
        var verbose = settings is ChangeSettings { Verbose: true };
        var manager = new ReleaseManager(sessions, new SourceResolver(new LocalGit(), ReleaseManager.SourceCacheDir(config)),
            TimeProvider.System, reporter, RunIdentity.Current(), verbose);
        Slipway.Core.Diagnostics.Timeline.Mark("manager built");
        return await RunAsync(manager, request, settings, cancellationToken);
    }

    protected abstract Task<int> RunAsync(ReleaseManager manager, DeployRequest request, TSettings settings, CancellationToken ct);
}

public sealed class DeployCommand(IAnsiConsole console) : ReleaseCommandBase<DeploySettings>(console)
{
    protected override async Task<int> RunAsync(ReleaseManager manager, DeployRequest request, DeploySettings settings, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(request.Config.RepoUrl))
        {
            ConsoleText.Error(Console, $"repo_url is not set in {request.Config.SourceFile}; it says where the code to deploy comes from.");
            return ExitCodes.UsageOrConfig;
        }

        request = request with
        {
            Revision = settings.Revision, Branch = settings.Branch, Message = settings.Message,
            NoAutoRollback = settings.NoAutoRollback, Wait = settings.WaitTime,
        };
        if (settings.DryRun)
        {
            return await DryRun.PrintAsync(Console, request, ct);
        }

        return OutcomePrinter.Print(Console, await manager.DeployAsync(request, ct), settings.Json);
    }
}

public sealed class RollbackCommand(IAnsiConsole console) : ReleaseCommandBase<RollbackSettings>(console)
{
    protected override async Task<int> RunAsync(ReleaseManager manager, DeployRequest request, RollbackSettings settings, CancellationToken ct)
    {
        request = request with { To = settings.To, Force = settings.Force, Message = settings.Message, Wait = settings.WaitTime };
        return OutcomePrinter.Print(Console, await manager.RollbackAsync(request, ct), settings.Json);
    }
}

public sealed class CheckCommand(IAnsiConsole console) : ReleaseCommandBase<MaintenanceSettings>(console)
{
    protected override async Task<int> RunAsync(ReleaseManager manager, DeployRequest request, MaintenanceSettings settings, CancellationToken ct) =>
        OutcomePrinter.Print(Console, await manager.CheckAsync(request, ct), settings.Json);
}

public sealed class CleanupCommand(IAnsiConsole console) : ReleaseCommandBase<MaintenanceSettings>(console)
{
    protected override async Task<int> RunAsync(ReleaseManager manager, DeployRequest request, MaintenanceSettings settings, CancellationToken ct) =>
        OutcomePrinter.Print(Console, await manager.CleanupAsync(request, ct), settings.Json);
}

public sealed class UnlockCommand(IAnsiConsole console) : ReleaseCommandBase<MaintenanceSettings>(console)
{
    protected override async Task<int> RunAsync(ReleaseManager manager, DeployRequest request, MaintenanceSettings settings, CancellationToken ct) =>
        OutcomePrinter.Print(Console, await manager.UnlockAsync(request, ct), settings.Json);
}
