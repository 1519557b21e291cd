using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Slipway.Core.Config.Internal;

/// <summary>Turns YAML text into a <see cref="ConfigNode"/> tree; syntax problems become diagnostics, never exceptions.</summary>
internal sealed partial class YamlTreeReader
{
    // Deeper nesting than any real slipway.yml; the limit keeps a hostile file from overflowing the stack.
    internal const int MaxDepth = 64;

    // Aliases share nodes, so a small file can stand for a huge tree ("billion laughs"); cap the expanded size.
    internal const long MaxExpandedNodes = 100_000;

    private readonly BindContext _context;
    private readonly Dictionary<string, ConfigNode> _anchors = new(StringComparer.Ordinal);
    private long _expanded;
    private Mark _last = Mark.Empty;

    private YamlTreeReader(BindContext context) => _context = context;

    /// <summary>The root node, or null when the text has no document or a diagnostic was reported.</summary>
    public static ConfigNode? Read(string yaml, BindContext context, out bool empty)
    {
        empty = false;
        var reader = new YamlTreeReader(context);
        try
        {
            var parser = new Parser(new StringReader(yaml));
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                empty = true;
                return null;
            }

            parser.Consume<DocumentStart>();
            var root = reader.ReadNode(parser, 0);
            parser.Consume<DocumentEnd>();
            if (parser.Accept<DocumentStart>(out var second))
            {
                context.Error(ToLocation(second.Start), "", "more than one YAML document ('---'); slipway.yml must hold exactly one");
                return null;
            }

            empty = root is ConfigScalar { IsNull: true };
            return empty ? null : root;
        }
        catch (YamlException ex) when (FindIndentingTab(yaml) is { } tab && ex.Message.Contains("tab", StringComparison.OrdinalIgnoreCase))
        {
            // YamlDotNet reports the enclosing mapping's start; the tab itself is what the user must fix.
            context.Error(tab, "", "invalid YAML: indentation must use spaces, not tabs");
            return null;
        }
        catch (YamlException ex)
        {
            context.Error(ToLocation(ex.Start), "", "invalid YAML: " + CleanMessage(ex.Message));
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this (not a YamlException) on some broken flow collections, e.g. an
            // unclosed '[' followed by more mappings; the last event it produced is the best position we have.
            context.Error(ToLocation(reader._last), "", "invalid YAML after this point (look for an unclosed '[', '{' or quote)");
            return null;
        }
        catch (TooDeepException ex)
        {
            context.Error(ex.Location, "", ex.Message);
            return null;
        }
    }

    /// <summary>The first tab in a line's leading whitespace, if any.</summary>
    internal static SourceLocation? FindIndentingTab(string yaml)
    {
        var lines = yaml.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            var tab = lines[i].IndexOf('\t', 0, indent);
            if (tab >= 0)
            {
                return new SourceLocation(i + 1, tab + 1);
            }
        }

        return null;
    }

    internal static SourceLocation ToLocation(Mark mark) => new((int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column));

    /// <summary>YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: 20) - (…): "; we print the position ourselves.</summary>
    internal static string CleanMessage(string message)
    {
        var text = MarkPrefix().Replace(message, "").Trim();
        if (text.Length == 0)
        {
            return "syntax error";
        }

        text = char.ToLowerInvariant(text[0]) + text[1..];
        return text.TrimEnd('.');
    }

    private ConfigNode ReadNode(IParser parser, int depth)
    {
        var start = parser.Current ?? throw new YamlException(_last, _last, "unexpected end of the file");
        _last = start.Start;
        if (depth > MaxDepth)
        {
            throw new TooDeepException(ToLocation(start.Start), $"nesting deeper than {MaxDepth} levels is not allowed");
        }

        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            return ResolveAlias(alias);
        }

        ConfigNode node;
        string anchor;
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            var plain = scalar.Style is ScalarStyle.Plain or ScalarStyle.Any && scalar.Tag.IsEmpty;
            node = new ConfigScalar(ToLocation(scalar.Start), scalar.Value, plain, scalar.Start.Line == scalar.End.Line);
            anchor = scalar.Anchor.IsEmpty ? "" : scalar.Anchor.Value;
        }
        else if (parser.TryConsume<SequenceStart>(out var seqStart))
        {
            var items = new List<ConfigNode>();
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                items.Add(ReadNode(parser, depth + 1));
            }

            node = new ConfigSequence(ToLocation(seqStart.Start), items);
            anchor = seqStart.Anchor.IsEmpty ? "" : seqStart.Anchor.Value;
        }
        else
        {
            var mapStart = parser.Consume<MappingStart>();
            node = new ConfigMapping(ToLocation(mapStart.Start), ReadEntries(parser, depth));
            anchor = mapStart.Anchor.IsEmpty ? "" : mapStart.Anchor.Value;
        }

        _expanded += 1;
        if (anchor.Length > 0)
        {
            _anchors[anchor] = node;
        }

        return node;
    }

    private List<MappingEntry> ReadEntries(IParser parser, int depth)
    {
        var entries = new List<MappingEntry>();
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            var key = ReadNode(parser, depth + 1);
            var value = ReadNode(parser, depth + 1);
            if (key is ConfigScalar scalarKey)
            {
                entries.Add(new MappingEntry(scalarKey, value));
            }
            else
            {
                _context.Error(key.Location, "", $"keys must be plain strings, got {key.Describe()}");
            }
        }

        return entries;
    }

    private ConfigNode ResolveAlias(AnchorAlias alias)
    {
        if (!_anchors.TryGetValue(alias.Value.Value, out var target))
        {
            throw new YamlException(alias.Start, alias.End, $"alias *{alias.Value.Value} refers to no anchor defined before it");
        }

        _expanded += target.Size;
        if (_expanded > MaxExpandedNodes)
        {
            throw new TooDeepException(ToLocation(alias.Start),
                $"aliases expand to more than {MaxExpandedNodes} values; slipway.yml is too complex");
        }

        return target;
    }

    [GeneratedRegex(@"^\s*\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")]
    private static partial Regex MarkPrefix();

    private sealed class TooDeepException(SourceLocation location, string message) : Exception(message)
    {
        public SourceLocation Location { get; } = location;
    }
}
