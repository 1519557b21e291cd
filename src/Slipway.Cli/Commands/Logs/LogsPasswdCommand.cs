using System.ComponentModel;
using Slipway.Cli.Output;
using Slipway.Logs.Web;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli.Commands.Logs;

public sealed class LogsPasswdSettings : SlipwaySettings
{
    [CommandArgument(0, "[USER]")]
    [Description("Print a ready-to-paste 'USER: { password_hash: …, role: viewer }' line instead of the hash alone.")]
    public string? User { get; init; }

    [CommandOption("--admin")]
    [Description("With USER: the admin role (may also post events with the session), instead of viewer.")]
    public bool Admin { get; init; }
}

/// <summary>
/// <c>slipway logs passwd</c>: turns a password into the hash that goes in <c>logs.users</c>, reading it from standard
/// input when that is not a terminal (so it never appears in a process list or shell history), else asking for it.
/// </summary>
public sealed class LogsPasswdCommand(IAnsiConsole console) : Command<LogsPasswdSettings>
{
    public override int Execute(CommandContext context, LogsPasswdSettings settings, CancellationToken cancellationToken)
    {
        if (settings.User is { } name && !LogsSection.IsUserName(name))
        {
            ConsoleText.Error(console, $"user names are letters, digits, '-' and '_'; got \"{name}\".");
            return ExitCodes.UsageOrConfig;
        }

        var password = Console.IsInputRedirected
            ? Console.In.ReadLine() ?? ""
            : console.Prompt(new TextPrompt<string>("Password:").Secret());
        if (password.Length == 0)
        {
            ConsoleText.Error(console, "the password is empty.");
            return ExitCodes.UsageOrConfig;
        }

        var hash = PasswordHash.Create(password);
        ConsoleText.Line(console, settings.User is null
            ? hash
            : $"{settings.User}: {{ password_hash: \"{hash}\", role: {(settings.Admin ? "admin" : "viewer")} }}");
        return ExitCodes.Success;
    }
}
