using System.ComponentModel;
using System.Diagnostics;
using Slipway.Core.Probes;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Agent;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class AgentHealthSettings : SlipwaySettings
{
    [CommandOption("--timeout <DURATION>")]
    [Description("Time limit of one attempt.")]
    [DefaultValue("10s")]
    public string Timeout { get; init; } = "10s";

    [CommandOption("--retries <N>")]
    [Description("Attempts before the check fails.")]
    [DefaultValue(3)]
    public int Retries { get; init; } = 3;

    [CommandOption("--interval <DURATION>")]
    [Description("Pause between attempts.")]
    [DefaultValue("1s")]
    public string Interval { get; init; } = "1s";

    [CommandOption("--start-period <DURATION>")]
    [Description("Failures within this time of the first attempt do not count (a slow starter is waited for).")]
    [DefaultValue("0s")]
    public string StartPeriod { get; init; } = "0s";

    [CommandOption("--json")]
    [Description("Print one JSON object instead of text.")]
    public bool Json { get; init; }

    public TimeSpan TimeoutValue => AgentDuration.Parse(Timeout) ?? TimeSpan.FromSeconds(10);

    public TimeSpan IntervalValue => AgentDuration.Parse(Interval) ?? TimeSpan.FromSeconds(1);

    public TimeSpan StartPeriodValue => AgentDuration.Parse(StartPeriod) ?? TimeSpan.Zero;

    public override ValidationResult Validate()
    {
        if (AgentDuration.Parse(Timeout) is not { } t || t <= TimeSpan.Zero)
        {
            return ValidationResult.Error($"--timeout: '{Timeout}' is not a positive duration (e.g. 500ms, 10s)");
        }

        if (AgentDuration.Parse(Interval) is null)
        {
            return ValidationResult.Error($"--interval: '{Interval}' is not a duration (e.g. 500ms, 1s)");
        }

        if (AgentDuration.Parse(StartPeriod) is null)
        {
            return ValidationResult.Error($"--start-period: '{StartPeriod}' is not a duration (e.g. 0s, 30s)");
        }

        return Retries < 1 ? ValidationResult.Error("--retries must be 1 or more") : ValidationResult.Success();
    }
}

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AgentHealthHttpSettings : AgentHealthSettings
{
    [CommandArgument(0, "<URL>")]
    [Description("The URL to GET (redirects are not followed).")]
    public string Url { get; init; } = "";

    [CommandOption("--expect <STATUS>")]
    [Description("The HTTP status that means healthy.")]
    [DefaultValue(200)]
    public int Expect { get; init; } = 200;

    [CommandOption("--contains <TEXT>")]
    [Description("Text the response body must contain.")]
    public string? Contains { get; init; }

    public override ValidationResult Validate() =>
        !Uri.TryCreate(Url, UriKind.Absolute, out var u) || (u.Scheme != Uri.UriSchemeHttp && u.Scheme != Uri.UriSchemeHttps)
            ? ValidationResult.Error($"'{Url}' is not an http:// or https:// URL")
            : base.Validate();
}

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AgentHealthTcpSettings : AgentHealthSettings
{
    [CommandArgument(0, "<HOST:PORT>")]
    [Description("The address that must accept a connection.")]
    public string Address { get; init; } = "";

    public override ValidationResult Validate() =>
        HealthProbe.SplitHostPort(Address) is null ? ValidationResult.Error($"'{Address}' is not HOST:PORT") : base.Validate();
}

/// <summary><c>agent health http URL</c>.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AgentHealthHttpCommand(IAnsiConsole console, TimeProvider? time = null) : AsyncCommand<AgentHealthHttpSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, AgentHealthHttpSettings settings, CancellationToken cancellationToken)
    {
        var url = new Uri(settings.Url);
        return await AgentHealth.RunAsync(console, settings, settings.Url, time,
            ct => HealthProbe.HttpAsync(url, settings.Expect, settings.Contains, settings.TimeoutValue, verifyCertificate: true, ct), cancellationToken);
    }
}

/// <summary><c>agent health tcp HOST:PORT</c>.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AgentHealthTcpCommand(IAnsiConsole console, TimeProvider? time = null) : AsyncCommand<AgentHealthTcpSettings>
{
    public override Task<int> ExecuteAsync(CommandContext context, AgentHealthTcpSettings settings, CancellationToken cancellationToken)
    {
        var (host, port) = HealthProbe.SplitHostPort(settings.Address)!.Value;
        return AgentHealth.RunAsync(console, settings, settings.Address, time,
            ct => HealthProbe.TcpAsync(host, port, settings.TimeoutValue, ct), cancellationToken);
    }
}

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class AgentHealth
{
    public static async Task<int> RunAsync(
        IAnsiConsole console, AgentHealthSettings settings, string target, TimeProvider? time, Func<CancellationToken, Task<ProbeResult>> attempt, CancellationToken ct)
    {
        var output = new AgentOutput(console);
        var watch = Stopwatch.StartNew();
        var (last, attempts) = await HealthProbe.RetryAsync(attempt, settings.Retries, settings.IntervalValue, settings.StartPeriodValue,
            time ?? TimeProvider.System, ct);
        var ok = last.Error is null;
        if (settings.Json)
        {
            output.Json(new AgentHealthRecord(ok, target, attempts, watch.ElapsedMilliseconds, last.Status, last.Error), AgentJsonContext.Default.AgentHealthRecord);
        }
        else if (ok)
        {
            output.Line($"{target}: ok" + (last.Status is { } s ? $" (HTTP {s})" : "") + (attempts > 1 ? $" after {attempts} attempts" : ""));
        }

        if (!ok)
        {
            output.Error($"health check {target} failed after {attempts} attempt(s): {last.Error}");
        }

        return ok ? ExitCodes.Success : ExitCodes.CommandFailed;
    }
}
