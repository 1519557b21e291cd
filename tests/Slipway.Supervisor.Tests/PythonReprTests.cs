using Slipway.Supervisor.Events;

namespace Slipway.Supervisor.Tests;

/// <summary>What Python 3 prints for repr(b'...') (checked with python3 on these inputs).</summary>
public sealed class PythonReprTests
{
    [Theory]
    [InlineData(new byte[] { 0xff, 0xfe, (byte)'\'', (byte)'q' }, "b\"\\xff\\xfe'q\"")]
    [InlineData(new byte[] { (byte)'a', (byte)'\'', (byte)'"' }, "b'a\\'\"'")]
    [InlineData(new byte[] { (byte)'\t', (byte)'\n', (byte)'\r', (byte)'\\', 0, 0x7f, (byte)'~' }, "b'\\t\\n\\r\\\\\\x00\\x7f~'")]
    [InlineData(new byte[0], "b''")]
    public void Bytes_are_rendered_like_python(byte[] data, string expected) => PythonRepr.Bytes(data).ShouldBe(expected);
}
