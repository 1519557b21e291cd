using Slipway.Cli;
using Slipway.Cli.Infrastructure;

// Ctrl-C cancels the token every command receives; remote work is stopped, then we exit with 130.
Slipway.Core.Diagnostics.Timeline.Mark("main");
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (!cancellation.IsCancellationRequested)
    {
        e.Cancel = true;
        cancellation.Cancel();
        // Says the interrupt arrived: what stops now is undone or finished safely before slipway exits.
        Console.Error.WriteLine("slipway: interrupted; stopping safely (Ctrl-C again stops at once)");
    }
};

if (OperatingSystem.IsLinux() && Slipway.Cli.Commands.Supervise.SuperviseFastPath.TryParse(args) is { } supervise)
{
    return await Slipway.Cli.Commands.Supervise.SuperviseFastPath.RunAsync(supervise, args, cancellation.Token);
}

var exit = await Cli.RunAsync(args, cancellation.Token);
Slipway.Core.Diagnostics.Timeline.Mark("exit");
return exit;

/// <summary>The command line proper, in its own method so the supervise daemon never loads Spectre.Console.</summary>
internal static partial class Cli
{
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public static Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        ConfigPreload.Start(args, Environment.GetEnvironmentVariable);
        Slipway.Core.Diagnostics.Timeline.Mark("preload started");
        var console = ConsoleFactory.Create(args, Environment.GetEnvironmentVariable);
        Slipway.Core.Diagnostics.Timeline.Mark("console created");
        return SlipwayApp.RunAsync(args, console, ct);
    }
}
