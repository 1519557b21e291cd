using System.Xml.Linq;
using Slipway.Core;

namespace Slipway.Cli.Infrastructure;

/// <summary>
/// Names the option Spectre.Console.Cli refused and the closest one the command knows. Spectre's strict parser says
/// only "Unknown option"; the command model (Spectre's own <c>cli xmldoc</c>) gives the options of the command the
/// words on the line lead to, so a command added later gets its suggestions without anything to register. Pure.
/// </summary>
internal static class UsageErrors
{
    private static readonly string[] HelpOptions = ["-h", "--help", "-?"];
    private static readonly string[] RootOptions = ["-h", "--help", "-v", "--version"];

    /// <summary>"unknown option '--dryrun'; did you mean '--dry-run'?" for the first option the command does not know.</summary>
    public static string? UnknownOption(XDocument model, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(args);
        var node = model.Root;
        if (node is null)
        {
            return null;
        }

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                break; // the rest is the remote command's
            }

            if (arg.Length > 1 && arg[0] == '-')
            {
                var options = Options(node);
                var name = NameOf(arg);
                var known = options.Where(o => o.Names.Contains(name, StringComparer.Ordinal)).ToList();
                if (known.Count == 0 && !IsGroupOfKnownShortOptions(arg, options))
                {
                    var candidates = options.SelectMany(o => o.Names).Where(n => n.StartsWith("--", StringComparison.Ordinal))
                        .Concat(node == model.Root ? RootOptions : HelpOptions);
                    var suggestion = Suggestions.Closest(name, candidates.Distinct(StringComparer.Ordinal));
                    return $"unknown option '{name}'" + (suggestion is null ? "" : $"; did you mean '{suggestion}'?");
                }

                if (known.Count > 0 && known[0].TakesValue && !arg.Contains('=', StringComparison.Ordinal))
                {
                    i++; // its value
                }

                continue;
            }

            var child = node.Elements("Command").FirstOrDefault(c => string.Equals((string?)c.Attribute("Name"), arg, StringComparison.OrdinalIgnoreCase));
            if (child is not null)
            {
                node = child;
            }
        }

        return null;
    }

    private static string NameOf(string arg)
    {
        var end = arg.IndexOfAny(['=', ':']);
        return end > 0 ? arg[..end] : arg;
    }

    // -vn is -v -n when both are flags of the command.
    private static bool IsGroupOfKnownShortOptions(string arg, List<Option> options) =>
        arg.Length > 2 && arg[1] != '-' &&
        arg[1..].All(c => options.Any(o => o.Names.Contains("-" + c, StringComparer.Ordinal)));

    private sealed record Option(IReadOnlyList<string> Names, bool TakesValue);

    private static List<Option> Options(XElement command)
    {
        var result = new List<Option>
        {
            new(HelpOptions, false),
        };
        if (command.Name == "Model")
        {
            result.Add(new Option(["-v", "--version"], false));
            return result;
        }

        foreach (var option in command.Elements("Parameters").Elements("Option"))
        {
            var names = new List<string>();
            names.AddRange(Split((string?)option.Attribute("Short")).Select(s => "-" + s));
            names.AddRange(Split((string?)option.Attribute("Long")).Select(l => "--" + l));
            result.Add(new Option(names, (string?)option.Attribute("Kind") != "flag"));
        }

        return result;
    }

    private static string[] Split(string? names) =>
        (names ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
