using Slipway.Supervisor.Daemon;

// slipway-supervise [supervise] [-c FILE] [-n]: the same daemon as `slipway supervise`, compiled ahead of time.
if (!OperatingSystem.IsLinux())
{
    await Console.Error.WriteLineAsync("slipway-supervise runs on Linux only.");
    return 2;
}

if (SuperviseArguments.TryParse(args, requireVerb: false) is not { } options)
{
    await Console.Error.WriteLineAsync("usage: slipway-supervise [-c FILE] [-n]   (the daemon of `slipway supervise`; see `slipway supervise --help`)");
    return 2;
}

if (SuperviseArguments.FindConfig(options.Configuration) is not { } path)
{
    await Console.Error.WriteLineAsync(SuperviseArguments.NoConfigMessage);
    return 2;
}

using var cancellation = new CancellationTokenSource();
return await new DaemonHost(new HostOptions(path, options.NoDaemon, Console.Out, Console.Error)).RunAsync(cancellation.Token);
