using System.Text;
using Slipway.Supervisor.XmlRpc;

namespace Slipway.Supervisor.Tests;

public sealed class XmlRpcTests
{
    private static XmlRpcCall Parse(string xml) => XmlRpcReader.ParseCall(Encoding.UTF8.GetBytes(xml));

    [Fact]
    public void Parses_every_value_type()
    {
        var call = Parse("""
            <?xml version='1.0'?><methodCall><methodName>a.b</methodName><params>
            <param><value><int>-3</int></value></param>
            <param><value><i4>7</i4></value></param>
            <param><value><boolean>1</boolean></value></param>
            <param><value><string>x &amp; y</string></value></param>
            <param><value>untyped </value></param>
            <param><value><double>1.5</double></value></param>
            <param><value><base64>aGk=</base64></value></param>
            <param><value><nil/></value></param>
            <param><value><array><data><value><int>1</int></value><value>s</value></data></array></value></param>
            <param><value><struct><member><name>k</name><value><boolean>0</boolean></value></member></struct></value></param>
            </params></methodCall>
            """);
        call.MethodName.ShouldBe("a.b");
        call.Params[0].ShouldBe(-3);
        call.Params[1].ShouldBe(7);
        call.Params[2].ShouldBe(true);
        call.Params[3].ShouldBe("x & y");
        call.Params[4].ShouldBe("untyped ");
        call.Params[5].ShouldBe(1.5);
        call.Params[6].ShouldBe("hi"u8.ToArray());
        call.Params[7].ShouldBeNull();
        call.Params[8].ShouldBe(new List<object?> { 1, "s" });
        ((Dictionary<string, object?>)call.Params[9]!)["k"].ShouldBe(false);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not xml")]
    [InlineData("<methodCall><params/></methodCall>")]
    [InlineData("<methodResponse/>")]
    [InlineData("<methodCall><methodName>x</methodName><params><param><value><int>abc</int></value></param></params></methodCall>")]
    [InlineData("<methodCall><methodName>x</methodName><params><param><value><boolean>2</boolean></value></param></params></methodCall>")]
    [InlineData("<!DOCTYPE x [<!ENTITY a 'b'>]><methodCall><methodName>&a;</methodName></methodCall>")]
    [InlineData("<methodCall><methodName>x</methodName>")]
    public void Malformed_bodies_are_a_parse_error_and_nothing_else(string xml) =>
        Should.Throw<XmlRpcParseException>(() => Parse(xml));

    [Fact]
    public void Responses_round_trip_through_the_reader()
    {
        var value = new Dictionary<string, object?>
        {
            ["name"] = "a<b>", ["pid"] = 12, ["big"] = 5_000_000_000L, ["ok"] = true, ["list"] = new List<object?> { "x", 2.5 },
        };
        var body = XmlRpcWriter.Response(value);
        body.ShouldStartWith("<?xml version='1.0'?>\n<methodResponse><params><param><value><struct>");
        var call = Parse(body.Replace("methodResponse", "methodCall", StringComparison.Ordinal)
            .Replace("<params>", "<methodName>r</methodName><params>", StringComparison.Ordinal));
        var back = (Dictionary<string, object?>)call.Params[0]!;
        back["name"].ShouldBe("a<b>");
        back["big"].ShouldBe(int.MaxValue); // capped to int32 like supervisord's capped_int
        back["list"].ShouldBe(new List<object?> { "x", 2.5 });
    }

    [Fact]
    public void Faults_carry_code_and_string()
    {
        var fault = XmlRpcWriter.Fault(Faults.BadName, "BAD_NAME: nope");
        fault.ShouldContain("<fault>");
        fault.ShouldContain("<name>faultCode</name><value><int>10</int></value>");
        fault.ShouldContain("<name>faultString</name><value>BAD_NAME: nope</value>");
        Faults.Error(Faults.NotRunning, "web").Message.ShouldBe("NOT_RUNNING: web");
        Faults.Error(Faults.UnknownMethod).Message.ShouldBe("UNKNOWN_METHOD");
    }

    [Fact]
    public void Strings_are_escaped_and_utf8_encoded_and_control_characters_replaced()
    {
        var body = XmlRpcWriter.Response("a&b <c> \u00e9\u20ac\U0001F600 tab\tnl\n bell\u0007 esc\u001b");
        body.ShouldContain("<value>a&amp;b &lt;c&gt; \u00e9\u20ac\U0001F600 tab\tnl\n bell\uFFFD esc\uFFFD</value>");
        var call = Parse(body.Replace("methodResponse", "methodCall", StringComparison.Ordinal)
            .Replace("<params>", "<methodName>r</methodName><params>", StringComparison.Ordinal));
        call.Params[0].ShouldBe("a&b <c> \u00e9\u20ac\U0001F600 tab\tnl\n bell\uFFFD esc\uFFFD");
    }

    [Fact]
    public void A_large_reply_grows_the_buffer_and_the_next_small_one_is_whole()
    {
        var big = Enumerable.Range(0, 5000).Select(i => (object?)new Dictionary<string, object?> { ["n"] = "process-" + i, ["pid"] = i }).ToList();
        var first = XmlRpcWriter.Response(big);
        first.Length.ShouldBeGreaterThan(200_000);
        first.ShouldEndWith("</data></array></value></param></params></methodResponse>\n");
        XmlRpcWriter.Response(big).ShouldBe(first);
        XmlRpcWriter.Response(1).ShouldBe("<?xml version='1.0'?>\n<methodResponse><params><param><value><int>1</int></value></param></params></methodResponse>\n");
    }

    [Fact]
    public void Values_that_write_themselves_are_embedded_as_written()
    {
        var info = new Rpc.ProcessInfoValue("web", "g", 10, 0, 20, Processes.ProcessState.Running, "", 0, "/l/o", "/l/e", 42, "pid 42, uptime 0:00:10");
        var body = XmlRpcWriter.Response(new List<object?> { info });
        var expected = XmlRpcWriter.Response(new List<object?>
        {
            new Dictionary<string, object?>
            {
                ["name"] = "web", ["group"] = "g", ["start"] = 10, ["stop"] = 0, ["now"] = 20, ["state"] = 20, ["statename"] = "RUNNING",
                ["spawnerr"] = "", ["exitstatus"] = 0, ["logfile"] = "/l/o", ["stdout_logfile"] = "/l/o", ["stderr_logfile"] = "/l/e",
                ["pid"] = 42, ["description"] = "pid 42, uptime 0:00:10",
            },
        });
        body.ShouldBe(expected);
    }

    [Fact]
    public void The_builder_keeps_text_whole_across_its_chunks_and_puts_a_head_in_front()
    {
        // Long enough to span several 16 KiB chunks, with 2-, 3- and 4-byte characters landing on every boundary.
        var text = string.Concat(Enumerable.Repeat("ab\u00e9\u20ac\U0001F600<&>", 9000));
        var data = Enumerable.Range(0, 70_000).Select(i => (byte)i).ToArray();
        using var b = new Utf8Builder(headroom: 64);
        b.AppendEscaped(text).Append('|').AppendBase64(data).Append('|').Append(1234567890123L).Append(2.5, "R");
        b.TryPrepend("HEAD "u8).ShouldBeTrue();
        b.Segments.Count.ShouldBeGreaterThan(5);
        var expected = "HEAD " + text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal) + "|" + Convert.ToBase64String(data) + "|12345678901232.5";
        b.ToString().ShouldBe(expected);
        b.Length.ShouldBe(Encoding.UTF8.GetByteCount(expected));
        b.TryPrepend(new byte[100]).ShouldBeFalse(); // the headroom is used up
    }
}
