using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Slipway.Core.Config;
using Slipway.Monitor.Plugins;

namespace Slipway.Monitor.Alerts;

/// <summary>A way to tell people: mail, a webhook, a command. Throws when the alert did not get through (it is retried).</summary>
public interface IAlertChannel
{
    /// <summary>mail, webhook, command: for the log.</summary>
    string Name { get; }

    Task SendAsync(Notification notification, CancellationToken ct);
}

/// <summary>Thrown by a channel whose receiver answered but refused (an HTTP error status, a command's non-zero exit).</summary>
public sealed class AlertDeliveryException(string message) : Exception(message);

/// <summary>A plain-text mail through SMTP (MailKit): STARTTLS when offered, or required with <c>starttls: true</c>; optional auth.</summary>
public sealed class MailChannel(SmtpConfig smtp, string? password) : IAlertChannel
{
    public string Name => "mail";

    public async Task SendAsync(Notification notification, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(smtp.From));
        foreach (var address in smtp.To)
        {
            message.To.Add(MailboxAddress.Parse(address));
        }

        message.Subject = notification.Subject;
        message.Body = new TextPart("plain") { Text = notification.ToText() };
        using var client = new SmtpClient();
        await client.ConnectAsync(smtp.Host, smtp.Port, smtp.StartTls ? SecureSocketOptions.StartTls : SecureSocketOptions.StartTlsWhenAvailable, ct);
        if (smtp.User is not null)
        {
            await client.AuthenticateAsync(smtp.User, password ?? "", ct);
        }

        await client.SendAsync(message, ct);
        await client.DisconnectAsync(quit: true, ct);
    }
}

/// <summary>An HTTP POST of the notification as JSON (<see cref="WebhookPayload"/>); any status but 2xx is a failure.</summary>
public sealed class WebhookChannel(Uri url, TimeSpan timeout, HttpMessageHandler? handler = null) : IAlertChannel, IDisposable
{
    private readonly HttpClient _http = handler is null ? new HttpClient { Timeout = timeout } : new HttpClient(handler) { Timeout = timeout };

    public string Name => "webhook";

    public async Task SendAsync(Notification notification, CancellationToken ct)
    {
        using var response = await _http.PostAsJsonAsync(url, WebhookPayload.From(notification), AlertJsonContext.Default.WebhookPayload, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new AlertDeliveryException(string.Create(CultureInfo.InvariantCulture,
                $"{url.GetLeftPart(UriPartial.Authority)} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}"));
        }
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>
/// Runs a command per notification (argv, or /bin/sh -c with <c>shell: true</c>), with what happened in environment
/// variables named after Nagios's macros (<see cref="Environment"/>); exit 0 is delivered, anything else is retried.
/// </summary>
public sealed class CommandChannel(string commandLine, bool shell, TimeSpan timeout, TimeProvider? time = null) : IAlertChannel
{
    private readonly PluginCommand _command = PluginCommand.Parse(commandLine, shell);
    private readonly PluginRunner _runner = new(time);

    public string Name => "command";

    public async Task SendAsync(Notification notification, CancellationToken ct)
    {
        var result = await _runner.RunAsync(_command with { Environment = Environment(notification) }, timeout, ct);
        // Success is exit 0, output or not: a notification command (a mail pipe) usually prints nothing, and the
        // plugin parser's "no output" UNKNOWN must not count as a failure here.
        if (result.ExitCode != 0)
        {
            var code = result.ExitCode is { } exit ? string.Create(CultureInfo.InvariantCulture, $"exited {exit}") : "failed";
            throw new AlertDeliveryException($"{_command.Argv[0]} {code}: {result.Output}");
        }
    }

    /// <summary>
    /// NOTIFICATIONTYPE, NOTIFICATIONNUMBER, HOSTNAME, SERVICEDESC, SERVICESTATE, LASTSERVICESTATE, SERVICESTATETYPE,
    /// SERVICEATTEMPT, SERVICEOUTPUT, LONGSERVICEOUTPUT, SERVICEPERFDATA, LASTSERVICESTATECHANGE, TIMET, LONGDATETIME,
    /// each also with Nagios's NAGIOS_ prefix (what existing notification scripts read); and SLIPWAY_CHECK, plus
    /// SLIPWAY_STAGE, SLIPWAY_RELEASE, SLIPWAY_COMMIT when the problem follows a deploy.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Environment(Notification n)
    {
        ArgumentNullException.ThrowIfNull(n);
        var macros = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["NOTIFICATIONTYPE"] = n.Type,
            ["NOTIFICATIONNUMBER"] = n.Number.ToString(CultureInfo.InvariantCulture),
            ["HOSTNAME"] = n.Host,
            ["SERVICEDESC"] = n.Name,
            ["SERVICESTATE"] = n.State.Label(),
            ["LASTSERVICESTATE"] = n.PreviousState.Label(),
            ["SERVICESTATETYPE"] = n.StateType.ToString().ToUpperInvariant(),
            ["SERVICEATTEMPT"] = n.Attempt.ToString(CultureInfo.InvariantCulture),
            ["SERVICEOUTPUT"] = n.Output,
            ["LONGSERVICEOUTPUT"] = n.LongOutput ?? "",
            ["SERVICEPERFDATA"] = n.PerfData,
            ["LASTSERVICESTATECHANGE"] = n.Since is { } since ? since.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) : "",
            ["TIMET"] = n.At.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            ["LONGDATETIME"] = n.At.UtcDateTime.ToString("ddd MMM d HH:mm:ss 'UTC' yyyy", CultureInfo.InvariantCulture),
        };
        var all = new Dictionary<string, string>(macros, StringComparer.Ordinal);
        foreach (var (key, value) in macros)
        {
            all["NAGIOS_" + key] = value;
        }

        all["SLIPWAY_CHECK"] = n.Check;
        if (n.Deploy is { } deploy)
        {
            all["SLIPWAY_STAGE"] = deploy.Stage;
            all["SLIPWAY_RELEASE"] = deploy.Release ?? "";
            all["SLIPWAY_COMMIT"] = deploy.Commit ?? "";
        }

        return all;
    }
}

/// <summary>The JSON a webhook receives.</summary>
public sealed record WebhookPayload(
    string Type, string Check, string Name, string Host, string State, string PreviousState, string StateType, int Attempt,
    int Number, DateTimeOffset At, DateTimeOffset? Since, string Output, string? LongOutput, string PerfData, string Subject,
    WebhookDeploy? Deploy)
{
    public static WebhookPayload From(Notification n)
    {
        ArgumentNullException.ThrowIfNull(n);
        return new WebhookPayload(n.Type, n.Check, n.Name, n.Host, n.State.Label(), n.PreviousState.Label(),
            n.StateType.ToString().ToUpperInvariant(), n.Attempt, n.Number, n.At, n.Since, n.Output,
            string.IsNullOrEmpty(n.LongOutput) ? null : n.LongOutput, n.PerfData, n.Subject,
            n.Deploy is { } d ? new WebhookDeploy(d.Stage, d.Action, d.Release, d.Commit, d.StartedAt, d.FinishedAt, d.Result) : null);
    }
}

public sealed record WebhookDeploy(string Stage, string Action, string? Release, string? Commit, DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt, string? Result);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(WebhookPayload))]
public sealed partial class AlertJsonContext : JsonSerializerContext;
