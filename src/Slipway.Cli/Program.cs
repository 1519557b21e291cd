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

ConfigPreload.Start(args, Environment.GetEnvironmentVariable);
var console = ConsoleFactory.Create(args, Environment.GetEnvironmentVariable);
return await SlipwayApp.RunAsync(args, console, cancellation.Token);
