using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Agent;

/// <summary>How every <c>agent supervisor …</c> command finds the supervisor.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class AgentSupervisorSettings : SlipwaySettings
{
    [CommandOption("-s|--socket <SOCKET>")]
    [Description("The supervisor's unix socket (PATH or unix:///PATH) or http://HOST:PORT (inet_http_server).")]
    public string Socket { get; init; } = "";

    [CommandOption("--username <USER>")]
    [Description("Basic auth user, when the supervisor's http server sets one.")]
    public string? Username { get; init; }

    [CommandOption("--password <PASSWORD>")]
    [Description("Basic auth password.")]
    public string? Password { get; init; }

    [CommandOption("--json")]
    [Description("Print one JSON object instead of text.")]
    public bool Json { get; init; }

    public override ValidationResult Validate()
    {
        if (Socket.Length == 0)
        {
            return ValidationResult.Error("--socket is required: the supervisor's unix socket or http://host:port");
        }

        try
        {
            _ = Supervisor.Client.SupervisorEndpoint.Parse(Socket, Username, Password);
        }
        catch (ArgumentException e)
        {
            return ValidationResult.Error("--socket: " + e.Message.Split(" (Parameter", 2)[0]);
        }

        return (Username is null) == (Password is null)
            ? ValidationResult.Success()
            : ValidationResult.Error("--username and --password go together");
    }
}

/// <summary>A timeout option shared by the commands that wait for processes.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class AgentWaitSettings : AgentSupervisorSettings
{
    [CommandOption("--timeout <DURATION>")]
    [Description("How long the processes may take to reach RUNNING (e.g. 30s, 2m).")]
    [DefaultValue("60s")]
    public string Timeout { get; init; } = "60s";

    public TimeSpan TimeoutValue => AgentDuration.Parse(Timeout) ?? TimeSpan.FromSeconds(60);

    public override ValidationResult Validate() =>
        AgentDuration.Parse(Timeout) is null
            ? ValidationResult.Error($"--timeout: '{Timeout}' is not a duration (e.g. 500ms, 30s, 2m)")
            : base.Validate();
}

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AgentUpdateSettings : AgentWaitSettings
{
    [CommandOption("--restart <GROUP>")]
    [Description("Also restart this group if the update did not already (re)start it (repeatable).")]
    public string[] Restart { get; init; } = [];

    [CommandOption("--restart-all")]
    [Description("Restart every group the update did not already (re)start.")]
    public bool RestartAll { get; init; }
}

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AgentRestartSettings : AgentWaitSettings
{
    [CommandArgument(0, "[NAMES]")]
    [Description("Processes or groups: NAME, GROUP:NAME or GROUP:* (default: all).")]
    public string[] Names { get; init; } = [];
}

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class AgentTailSettings : AgentSupervisorSettings
{
    [CommandArgument(0, "<NAME>")]
    [Description("The process: NAME or GROUP:NAME.")]
    public string Name { get; init; } = "";

    [CommandOption("--stderr")]
    [Description("The stderr log instead of stdout.")]
    public bool Stderr { get; init; }

    [CommandOption("-f|--follow")]
    [Description("Keep printing what is appended until interrupted.")]
    public bool Follow { get; init; }

    [CommandOption("--bytes <N>")]
    [Description("How many bytes from the end to print first.")]
    [DefaultValue(1600)]
    public int Bytes { get; init; } = 1600;

    public override ValidationResult Validate() =>
        Bytes < 0 ? ValidationResult.Error("--bytes must be 0 or more") : base.Validate();
}

/// <summary>The one duration syntax (Slipway.Core.Durations): 500ms, 10s, 2m, 1h, or plain seconds.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class AgentDuration
{
    public static TimeSpan? Parse(string? text) => Slipway.Core.Durations.Parse(text);
}
