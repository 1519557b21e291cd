using Slipway.Cli;
using Slipway.Cli.Infrastructure;

// Ctrl-C cancels the token every command receives; remote work is stopped, then we exit with 130.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (!cancellation.IsCancellationRequested)
    {
        e.Cancel = true;
        cancellation.Cancel();
    }
};

if (OperatingSystem.IsLinux() && Slipway.Cli.Commands.Supervise.SuperviseFastPath.TryParse(args) is { } supervise)
{
    return await Slipway.Cli.Commands.Supervise.SuperviseFastPath.RunAsync(supervise, args, cancellation.Token);
}

return await Cli.RunAsync(args, cancellation.Token);

/// <summary>The command line proper, in its own method so the supervise daemon never loads Spectre.Console.</summary>
internal static partial class Cli
{
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    public static Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        ConfigPreload.Start(args, Environment.GetEnvironmentVariable);
        var console = ConsoleFactory.Create(args, Environment.GetEnvironmentVariable);
        return SlipwayApp.RunAsync(args, console, ct);
    }
}
