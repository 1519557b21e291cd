using System.Globalization;

namespace Slipway.Core.Config.Internal;

/// <summary>
/// Binds <c>templates:</c>: linked file (relative to shared/) → <c>{ content: TEXT }</c> or <c>{ source: FILE }</c>
/// (next to slipway.yml; <c>${VAR}</c> in it substituted as in slipway.yml), with an optional octal <c>mode:</c>.
/// </summary>
internal static class TemplatesBinder
{
    public static List<SharedFileTemplate> Bind(Section root, IReadOnlyList<string> linkedFiles, string configFile)
    {
        var result = new List<SharedFileTemplate>();
        var context = root.Context;
        if (root.Get(ConfigKeys.Templates) is not { } node)
        {
            return result;
        }

        if (node is not ConfigMapping mapping)
        {
            context.Error(node, ConfigKeys.Templates,
                $"must be a mapping of linked files to templates, such as {{ django.env: {{ source: templates/django.env }} }}, got {node.Describe()}");
            return result;
        }

        foreach (var (key, value) in context.UniqueEntries(mapping, ConfigKeys.Templates))
        {
            var path = Paths.Child(ConfigKeys.Templates, key.Value);
            if (LinkedPaths.Check(key.Value) is { } problem)
            {
                context.Error(key, path, problem);
                continue;
            }

            if (!linkedFiles.Any(f => Same(f, key.Value)))
            {
                context.Error(key, path, $"\"{key.Value}\" is not in linked_files; a template gives a linked file its first content (add it to linked_files)");
                continue;
            }

            if (BindOne(context, key.Value, value, path, configFile) is { } template)
            {
                result.Add(template);
            }
        }

        return result;
    }

    private static SharedFileTemplate? BindOne(BindContext context, string file, ConfigNode node, string path, string configFile)
    {
        var s = context.Section(node, path, ConfigKeys.TemplateKeys, "a mapping such as { source: templates/django.env, mode: \"0600\" }");
        if (s is null)
        {
            return null;
        }

        if (s.Has("content") == s.Has("source"))
        {
            context.Error(s.Location, path, s.Has("content")
                ? "has content and source; a template is exactly one of them"
                : "needs content (the text) or source (a file next to slipway.yml)");
            return null;
        }

        var content = s.Has("content") ? s.String("content") : Read(context, s, configFile);
        var mode = s.Get("mode") is { } modeNode ? Mode(context, modeNode, s.PathOf("mode")) : null;
        if (content is null || context.HasErrorsUnder(path))
        {
            return null;
        }

        return new SharedFileTemplate
        {
            Path = file.Trim('/'),
            Content = content,
            Mode = mode ?? (SharedFileTemplate.LooksSecret(file) ? SharedFileTemplate.SecretMode : SharedFileTemplate.PlainMode),
            Location = s.Location,
        };
    }

    /// <summary><c>source:</c>, relative to the directory of slipway.yml, read now so a missing file is a config error.</summary>
    private static string? Read(BindContext context, Section s, string configFile)
    {
        var source = s.String("source");
        if (source is null)
        {
            return null;
        }

        var full = Path.GetFullPath(source, Path.GetDirectoryName(Path.GetFullPath(configFile)) ?? ".");
        try
        {
            var info = new FileInfo(full);
            if (info.Exists && info.Length > ConfigLoader.MaxFileBytes)
            {
                context.Error(s.Get("source")!, s.PathOf("source"), $"{full} is larger than {ConfigLoader.MaxFileBytes / 1024} KiB");
                return null;
            }

            return context.SubstituteText(File.ReadAllText(full), full, s.Get("source")!.Location, s.PathOf("source"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.Error(s.Get("source")!, s.PathOf("source"), $"cannot read {full}: {(e is FileNotFoundException or DirectoryNotFoundException ? "no such file" : e.Message)}");
            return null;
        }
    }

    /// <summary>An octal mode such as 0600, 640 or "0644" (owner-readable: setup and the release must read it).</summary>
    private static UnixFileMode? Mode(BindContext context, ConfigNode node, string path)
    {
        var text = node is ConfigScalar { IsNull: false } scalar ? scalar.Value.Trim() : null;
        if (text is null || text.Length is < 3 or > 4 || !text.All(c => c is >= '0' and <= '7') || (text.Length == 4 && text[0] != '0'))
        {
            context.Error(node, path, $"must be an octal file mode such as 0600 or 0644, got {(text is null ? node.Describe() : $"\"{text}\"")}");
            return null;
        }

        var mode = (UnixFileMode)Convert.ToInt32(text, 8);
        if (!mode.HasFlag(UnixFileMode.UserRead))
        {
            context.Error(node, path, string.Create(CultureInfo.InvariantCulture, $"{text} does not let the owner read the file; use 0600 or 0644"));
            return null;
        }

        return mode;
    }

    private static bool Same(string a, string b) => string.Equals(a.Trim('/'), b.Trim('/'), StringComparison.Ordinal);
}
