using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
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

    [CommandOption("--json")]
    [Description("Print one JSON object instead of text.")]
    public bool Json { get; init; }

    public TimeSpan TimeoutValue => AgentDuration.Parse(Timeout) ?? TimeSpan.FromSeconds(10);

    public TimeSpan IntervalValue => AgentDuration.Parse(Interval) ?? TimeSpan.FromSeconds(1);

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

/// <summary>One attempt's result: null error means healthy.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed record ProbeAttempt(int? Status, string? Error);

/// <summary>Retries an attempt until it passes or the attempts run out, pausing on the injected clock.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class HealthProbe
{
    public static async Task<(ProbeAttempt Last, int Attempts)> RunAsync(
        Func<CancellationToken, Task<ProbeAttempt>> attempt, int retries, TimeSpan interval, TimeProvider time, CancellationToken ct)
    {
        var last = new ProbeAttempt(null, "not tried");
        for (var i = 1; i <= retries; i++)
        {
            last = await attempt(ct);
            if (last.Error is null)
            {
                return (last, i);
            }

            if (i < retries)
            {
                await Task.Delay(interval, time, ct);
            }
        }

        return (last, retries);
    }

    public static (string Host, int Port)? SplitHostPort(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return null;
        }

        return (text[..colon].Trim('[', ']'), port);
    }

    public static async Task<ProbeAttempt> HttpAsync(HttpClient http, Uri url, int expect, string? contains, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            using var response = await http.GetAsync(url, cts.Token);
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync(cts.Token);
            if (status != expect)
            {
                return new ProbeAttempt(status, $"HTTP {status}, expected {expect}");
            }

            return contains is not null && !body.Contains(contains, StringComparison.Ordinal)
                ? new ProbeAttempt(status, $"HTTP {status} but the body does not contain '{contains}'")
                : new ProbeAttempt(status, null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new ProbeAttempt(null, $"no answer within {Format(timeout)}");
        }
        catch (HttpRequestException e)
        {
            return new ProbeAttempt(null, e.InnerException?.Message ?? e.Message);
        }
    }

    /// <summary>The supervise daemon's TCP health check (the same check, the same messages).</summary>
    public static async Task<ProbeAttempt> TcpAsync(string host, int port, TimeSpan timeout, CancellationToken ct) =>
        new(null, await Slipway.Supervisor.Health.HealthProbe.TcpAsync(host, port, timeout, ct));

    public static string Format(TimeSpan t) =>
        t.TotalSeconds >= 1 ? t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s" : t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + "ms";
}

/// <summary><c>agent health http URL</c>.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AgentHealthHttpCommand(IAnsiConsole console, TimeProvider? time = null) : AsyncCommand<AgentHealthHttpSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, AgentHealthHttpSettings settings, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false };
        using var http = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        var url = new Uri(settings.Url);
        return await AgentHealth.RunAsync(console, settings, settings.Url, time,
            ct => HealthProbe.HttpAsync(http, url, settings.Expect, settings.Contains, settings.TimeoutValue, ct), cancellationToken);
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
        IAnsiConsole console, AgentHealthSettings settings, string target, TimeProvider? time, Func<CancellationToken, Task<ProbeAttempt>> attempt, CancellationToken ct)
    {
        var output = new AgentOutput(console);
        var watch = Stopwatch.StartNew();
        var (last, attempts) = await HealthProbe.RunAsync(attempt, settings.Retries, settings.IntervalValue, time ?? TimeProvider.System, ct);
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
