using System.ComponentModel;
using System.Net;
using Microsoft.Extensions.Logging;
using Slipway.Cli.Infrastructure;
using Slipway.Cli.Output;
using Slipway.Core.Config;
using Slipway.Core.Net;
using Slipway.Queue.Http;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Queue;

public sealed class QueueServeSettings : QueueSettings
{
    [CommandOption("--http <HOST:PORT>")]
    [Description("Listen here (default: queue.http, 127.0.0.1:8515; 0.0.0.0:PORT for every interface, which needs a token).")]
    public string? Http { get; init; }

    [CommandOption("--token <TOKEN>")]
    [Description("The bearer token every request must send (also SLIPWAY_QUEUE_TOKEN, or queue.token).")]
    public string? Token { get; init; }
}

/// <summary>
/// <c>slipway queue serve</c>: the queue's HTTP API (<see cref="QueueHttpServer"/>) over the configured store, until
/// SIGTERM or Ctrl-C; then waiting lease requests answer with no jobs and the command exits 0.
/// </summary>
public sealed class QueueServeCommand(IAnsiConsole console, TimeProvider time) : AsyncCommand<QueueServeSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, QueueServeSettings settings, CancellationToken cancellationToken)
    {
        var section = QueueSection.Load(console, settings);
        if (section is null)
        {
            return ExitCodes.UsageOrConfig;
        }

        var listen = settings.Http ?? section.Config.Http ?? QueueConfig.DefaultHttp;
        if (ListenAddress.Parse(listen, out var error) is not { } endpoint)
        {
            ConsoleText.Error(console, $"{(settings.Http is null ? "queue.http" : "--http")}: {error}.");
            return ExitCodes.UsageOrConfig;
        }

        var token = settings.Token ?? NonEmpty(Environment.GetEnvironmentVariable("SLIPWAY_QUEUE_TOKEN")) ?? section.Config.Token;
        if (token is null && !IPAddress.IsLoopback(endpoint.Address))
        {
            // Anyone who can reach the port could push jobs that run as the app: never open to the network without a token.
            ConsoleText.Error(console, $"no token, and {listen} is not loopback: give --token, SLIPWAY_QUEUE_TOKEN or queue.token (or listen on 127.0.0.1).");
            return ExitCodes.UsageOrConfig;
        }

        using var stop = new ServiceStop(cancellationToken);
        var output = new WorkerOutput(console, "slipway queue serve: ");
        await using var failureLog = section.FailureLog(output.Warn);
        var options = new QueueHttpOptions
        {
            Endpoint = endpoint,
            Token = token,
            DefaultLease = section.Config.Lease,
            IdlePoll = section.Config.Worker.Poll,
            FailureLog = failureLog,
            ConcurrencyLimits = section.EngineOptions().ConcurrencyLimits,
            RateLimits = section.EngineOptions().RateLimits,
        };

        // Kestrel's warnings stay; the host's "failed to start" would repeat the error this command prints itself.
        using var loggers = LoggerFactory.Create(b => b.AddProvider(output).AddFilter("Microsoft", LogLevel.Warning).AddFilter("Microsoft.Extensions.Hosting", LogLevel.None));

        return await QueueStore.RunAsync(console, section, create: true, time, async engine =>
        {
            await using var server = new QueueHttpServer(engine, options, loggers, time);
            try
            {
                await server.StartAsync(stop.Token);
            }
            catch (IOException e)
            {
                ConsoleText.Error(console, $"cannot listen on {listen}: {e.Message}");
                return ExitCodes.ConnectionFailed;
            }

            ConsoleText.Line(console, $"slipway queue: serving {engine.Kind} {section.ShownUrl} at {server.Address}");
            if (token is null)
            {
                ConsoleText.Warning(console, "no token configured: any local user or process can push and take jobs (set SLIPWAY_QUEUE_TOKEN or queue.token).");
            }

            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
                // SIGTERM or Ctrl-C
            }

            output.Note("stopping");
            await server.StopAsync();
            var m = server.Metrics;
            output.Note($"stopped: {m.Enqueued} jobs pushed, {m.Leased} leased, {m.Acked} acked, {m.Failed} failed");
            return ExitCodes.Success;
        }, CancellationToken.None);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
