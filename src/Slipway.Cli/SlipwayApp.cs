using System.Reflection;
using System.Xml.Linq;
using Slipway.Cli.Commands;
using Slipway.Cli.Commands.Logs;
using Slipway.Cli.Infrastructure;
using Slipway.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Slipway.Cli;

/// <summary>The command tree. Kept apart from Program so tests can run the whole CLI against a test console.</summary>
public static class SlipwayApp
{
    public static string Version { get; } =
        typeof(SlipwayApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    // Spectre.Console.Cli builds its command model by reflection. The native publish (scripts/publish-native.sh) roots
    // this assembly and Spectre.Console.Cli (Slipway.Cli.csproj), so every command and settings type it reflects over
    // is kept; NativeCliTests runs every command's --help and the main jobs against that binary.
    // The console takes the results; a CliConsole also carries the diagnostics stream (stderr).
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Command and settings types are rooted in the native publish.")]
    public static Task<int> RunAsync(IReadOnlyList<string> args, IAnsiConsole console, CancellationToken ct) =>
        RunAsync(args, console, TimeProvider.System, ct);

    /// <summary>The whole CLI; <paramref name="time"/> is the clock every command that reads one is given (tests fix it).</summary>
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Command and settings types are rooted in the native publish.")]
    public static async Task<int> RunAsync(IReadOnlyList<string> args, IAnsiConsole console, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        var json = ConsoleFactory.WantsJson(args);
        var output = Watch(console, keepText: false);
        var diagnostics = ReferenceEquals(CliConsole.DiagnosticsOf(console), console) ? null : Watch(CliConsole.DiagnosticsOf(console), keepText: json);

        CommandParseException? parseError = null;
        int OnError(Exception exception)
        {
            if (exception is CommandParseException parse)
            {
                parseError = parse; // reported below, with the command model at hand
                return ExitCodes.UsageOrConfig;
            }

            return ErrorReporter.Report(console, exception);
        }

        var app = args.Count > 0 && !args[0].StartsWith('-')
            ? Build(console, time, OnError, only: args[0]) ?? Build(console, time, OnError)!
            : Build(console, time, OnError)!;
        var exit = await app.RunAsync(args, ct);
        if (parseError is not null)
        {
            var message = parseError.Message.StartsWith("Unknown option", StringComparison.Ordinal) || parseError.Message.StartsWith("Unexpected option", StringComparison.Ordinal)
                ? UsageErrors.UnknownOption(await ModelAsync(ct), args)
                : null;
            ConsoleText.Error(console, message ?? ErrorReporter.UsageMessage(parseError));
        }

        if (json && exit != ExitCodes.Success && !output.Written)
        {
            // --json promises one JSON document on stdout whatever fails; the command printed none, so say why here.
            JsonFailure.Write(console, exit, diagnostics?.Text ?? "");
        }

        return exit;
    }

    /// <summary>The command model as Spectre.Console.Cli describes it (<c>slipway cli xmldoc</c>): every command, argument and option.</summary>
    public static async Task<XDocument> ModelAsync(CancellationToken ct)
    {
        var (app, writer) = ModelApp();
        await app.RunAsync(["cli", "xmldoc"], ct);
        return XDocument.Parse(writer.ToString());
    }

    /// <summary><see cref="ModelAsync"/> for callers that cannot await (test data of theories).</summary>
    public static XDocument Model()
    {
        var (app, writer) = ModelApp();
        app.Run(["cli", "xmldoc"]);
        return XDocument.Parse(writer.ToString());
    }

    private static (CommandApp App, StringWriter Writer) ModelApp()
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 1_000_000; // never wrapped: a line break inside an attribute would change it
        return (Build(console, TimeProvider.System, _ => ExitCodes.CommandFailed)!, writer);
    }

    private static WatchedWriter Watch(IAnsiConsole console, bool keepText)
    {
        var watched = new WatchedWriter(console.Profile.Out.Writer, keepText);
        var width = console.Profile.Width;
        console.Profile.Out = new AnsiConsoleOutput(watched);
        console.Profile.Width = width;
        return watched;
    }

    /// <summary>
    /// The app with every command, or with <paramref name="only"/> the top-level command of that name
    /// (<see cref="OneCommandConfigurator"/>); null when no command has that name.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Command and settings types are rooted in the native publish.")]
    private static CommandApp? Build(IAnsiConsole console, TimeProvider time, Func<Exception, int> onError, string? only = null)
    {
        var app = new CommandApp();
        OneCommandConfigurator? filter = null;
        app.Configure(all =>
        {
            IConfigurator config = only is null ? all : filter = new OneCommandConfigurator(all, only);
            // The one clock of the run: a command that reads the time takes a TimeProvider in its constructor.
            config.Settings.Registrar.RegisterInstance(time);
            config.SetApplicationName("slipway");
            config.SetApplicationVersion(Version);
            config.ConfigureConsole(console);
            config.CancellationExitCode(ExitCodes.Cancelled);
            config.SetExceptionHandler((exception, _) => onError(exception));

            // An option or argument the command does not know is an error before anything runs (issue 21): a mistyped
            // --dry-run must never deploy. Words after "--" stay the remote command's (exec).
            config.UseStrictParsing();

            config.AddCommand<InitCommand>("init")
                .WithDescription("Write a commented starter slipway.yml for a Django site.")
                .WithExample("init")
                .WithExample("init", "--application", "mysite");

            config.AddBranch("config", branch =>
            {
                branch.SetDescription("Check or print the configuration.");
                branch.AddCommand<ConfigCheckCommand>("check")
                    .WithDescription("Validate slipway.yml; report every error with file, line, column and key.")
                    .WithExample("config", "check")
                    .WithExample("config", "check", "-f", "deploy/slipway.yml");
                branch.AddCommand<ConfigShowCommand>("show")
                    .WithDescription("Print the fully resolved configuration of a stage, defaults filled in.")
                    .WithExample("config", "show", "production")
                    .WithExample("config", "show", "production", "--json");
            });

            config.AddCommand<ExecCommand>("exec")
                .WithDescription("Run a command on a stage's hosts in parallel: slipway exec STAGE [[OPTIONS]] -- COMMAND...")
                .WithExample("exec", "production", "--", "uptime")
                .WithExample("exec", "production", "--roles", "web", "--", "systemctl", "status", "nginx")
                .WithExample("exec", "staging", "--hosts", "web1,web2", "--json", "--", "df -h /srv");

            Commands.Deploy.DeployCommands.Register(config);
            Commands.Supervise.SuperviseCommands.Register(config);
            LogsCommands.Register(config);
            Commands.Queue.QueueCommands.Register(config);
            Commands.Monitor.MonitorCommands.Register(config);
            Commands.Build.BuildCommands.Register(config);
            Commands.Setup.SetupCommands.Register(config);
            if (OperatingSystem.IsLinux())
            {
                Commands.Ssh.SshCommands.Register(config);
                Commands.Agent.AgentCommands.Register(config);
                Commands.Hosts.HostCommands.Register(config);
            }
        });
        return filter is { Matched: false } ? null : app;
    }
}
