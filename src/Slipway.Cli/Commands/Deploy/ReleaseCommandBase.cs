using Slipway.Cli.Output;
using Slipway.Core.Diagnostics;
using Slipway.Deploy.Execution;
using Slipway.Recipes;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Deploy;

/// <summary>
/// Shared plumbing: the command's <see cref="StageTarget"/> (config, recipes, stage, hosts), the request shaped by the
/// settings, one <see cref="ReleaseManager"/> over the target's sessions; the subclass runs it and prints the outcome.
/// </summary>
public abstract class ReleaseCommandBase<TSettings>(IAnsiConsole console, TimeProvider time) : AsyncCommand<TSettings>
    where TSettings : StageSettings, IReleaseRunSettings
{
    protected IAnsiConsole Console => console;

    /// <summary>The clock of the composition root (tests fix it): release names, lock ages, history stamps.</summary>
    protected TimeProvider Time => time;

    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        // Recipes (django, processes, health) become labelled hooks here, so every release command sees the same steps.
        Timeline.Mark("command execute");
        await using var target = ConfigSource.OpenStage(console, settings, settings.Recipes);
        if (target is null)
        {
            return ExitCodes.UsageOrConfig;
        }

        Timeline.Mark("config loaded + recipes");
        var request = new DeployRequest
        {
            Config = target.Config, Stage = target.Stage, Hosts = target.Hosts, PublishParallelism = RecipeExpander.PublishParallelism(target.Config),
            Reporter = settings.QuietProgress ? SilentReporter.Instance : new TextDeployReporter(console, target.Hosts),
            Verbose = settings.ShowHostOutput,
        };
        return await RunAsync(target, request, settings, cancellationToken);
    }

    /// <summary>The manager over the target's sessions (made on first use: a dry run never connects).</summary>
    protected ReleaseManager Manager(StageTarget target) =>
        new(target.Sessions, time, RunIdentity.Current());

    protected abstract Task<int> RunAsync(StageTarget target, DeployRequest request, TSettings settings, CancellationToken ct);
}

public sealed class DeployCommand(IAnsiConsole console, TimeProvider time) : ReleaseCommandBase<DeploySettings>(console, time)
{
    protected override async Task<int> RunAsync(StageTarget target, DeployRequest request, DeploySettings settings, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(request.Config.RepoUrl))
        {
            ConsoleText.Error(Console, Slipway.Deploy.Source.DeploySource.MissingRepoUrl(request.Config) + ".");
            return ExitCodes.UsageOrConfig;
        }

        request = request with
        {
            Revision = settings.Revision, Branch = settings.Branch, Message = settings.Message,
            NoAutoRollback = settings.NoAutoRollback, Wait = settings.WaitTime,
        };
        if (settings.DryRun)
        {
            var (planned, plannedCode) = await VendorSource.FindAsync(Console, request.Config, quiet: true, ct, fetch: false);
            return planned is null ? plannedCode : await DryRun.PrintAsync(Console, request with { Vendor = planned }, Time, ct);
        }

        var watch = DeployWatch.Span(settings.WatchTime, request.Config, settings.Json);
        var watchStore = watch is null ? null : DeployWatch.Store(Console, request.Config);
        if (watch is not null && watchStore is null)
        {
            return ExitCodes.UsageOrConfig;
        }

        var (vendor, vendorCode) = await VendorSource.FindAsync(Console, request.Config, settings.Json, ct);
        if (vendor is null)
        {
            return vendorCode;
        }

        var outcome = await Monitor.DeployMonitoring.AroundAsync(Console, request.Config, request.Stage, request.Hosts, "deploy", Time,
            () => Manager(target).DeployAsync(request with { Vendor = vendor }, ct), ct);
        var code = OutcomePrinter.Print(Console, outcome, settings.Json);
        return code == ExitCodes.Success && watch is { } span
            ? await DeployWatch.RunAsync(Console, request.Config, watchStore!, request.Stage.Name, outcome, span, Time, ct)
            : code;
    }
}

public sealed class RollbackCommand(IAnsiConsole console, TimeProvider time) : ReleaseCommandBase<RollbackSettings>(console, time)
{
    protected override async Task<int> RunAsync(StageTarget target, DeployRequest request, RollbackSettings settings, CancellationToken ct)
    {
        request = request with { To = settings.To, Force = settings.Force, Message = settings.Message, Wait = settings.WaitTime };
        var outcome = await Monitor.DeployMonitoring.AroundAsync(Console, request.Config, request.Stage, request.Hosts, "rollback", Time,
            () => Manager(target).RollbackAsync(request, ct), ct);
        return OutcomePrinter.Print(Console, outcome, settings.Json);
    }
}

public sealed class CheckCommand(IAnsiConsole console, TimeProvider time) : ReleaseCommandBase<MaintenanceSettings>(console, time)
{
    protected override async Task<int> RunAsync(StageTarget target, DeployRequest request, MaintenanceSettings settings, CancellationToken ct)
    {
        // Vendored artifacts a deploy would need are looked up (not downloaded): a missing one fails the hosts needing it.
        var (vendor, code) = await VendorSource.FindAsync(Console, request.Config, quiet: true, ct, fetch: false);
        return vendor is null
            ? code
            : OutcomePrinter.Print(Console, await Manager(target).CheckAsync(request with { Vendor = vendor }, ct), settings.Json);
    }
}

public sealed class CleanupCommand(IAnsiConsole console, TimeProvider time) : ReleaseCommandBase<MaintenanceSettings>(console, time)
{
    protected override async Task<int> RunAsync(StageTarget target, DeployRequest request, MaintenanceSettings settings, CancellationToken ct) =>
        OutcomePrinter.Print(Console, await Manager(target).CleanupAsync(request, ct), settings.Json);
}

public sealed class UnlockCommand(IAnsiConsole console, TimeProvider time) : ReleaseCommandBase<MaintenanceSettings>(console, time)
{
    protected override async Task<int> RunAsync(StageTarget target, DeployRequest request, MaintenanceSettings settings, CancellationToken ct) =>
        OutcomePrinter.Print(Console, await Manager(target).UnlockAsync(request, ct), settings.Json);
}
