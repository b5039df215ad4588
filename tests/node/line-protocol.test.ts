import { describe, expect, it } from "vitest";
import { LineProtocolError, type LineProtocolPoint, parseLineProtocol, parsePrecision } from "../../worker/readings/line-protocol";

/**
 * Expectations come from InfluxDB 2.x's own tests (influxdata/influxdb, branch main-2.x, models/points_test.go:
 * the test name is given with each ported case) or are worked out by hand from the line-protocol reference.
 */

const RECEIVED_AT = Date.parse("2000-01-01T12:34:56.789Z");
const parse = (text: string, precision?: "ns" | "us" | "ms" | "s") => parseLineProtocol(text, { precision, receivedAtMs: RECEIVED_AT });
const one = (text: string): LineProtocolPoint => {
  const points = parse(text);
  expect(points).toHaveLength(1);
  return points[0];
};
const tagsOf = (text: string) => Object.fromEntries(one(text).tags);
const fieldsOf = (text: string) => Object.fromEntries([...one(text).fields].map(([key, field]) => [key, field.value]));

function errorOf(text: string, precision?: "ns" | "us" | "ms" | "s"): LineProtocolError {
  try {
    parse(text, precision);
  } catch (error) {
    expect(error).toBeInstanceOf(LineProtocolError);
    return error as LineProtocolError;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be refused`);
}

describe("line protocol: points", () => {
  it("reads measurement, tags, typed fields and a nanosecond timestamp (TestParsePointWithTags, TestParsePointIntsFloats)", () => {
    const point = one('cpu,host=serverA,region=us-east int=10i,float=11.0,float2=12.1,u=7u,s="x",b=t 1000000000');
    expect(point).toEqual({
      line: 1,
      measurement: "cpu",
      tags: new Map([
        ["host", "serverA"],
        ["region", "us-east"],
      ]),
      fields: new Map([
        ["int", { type: "integer", value: 10 }],
        ["float", { type: "float", value: 11 }],
        ["float2", { type: "float", value: 12.1 }],
        ["u", { type: "unsigned", value: 7 }],
        ["s", { type: "string", value: "x" }],
        ["b", { type: "boolean", value: true }],
      ]),
      timestampMs: 1000,
    });
  });

  it("gives a point without timestamp the receive time (TestParsePointNoTimestamp)", () => {
    expect(one("cpu value=1").timestampMs).toBe(RECEIVED_AT);
  });

  it("accepts an empty body, blank lines and whitespace-only lines (TestParsePointNoValue, TestParsePointWhitespaceValue, TestParsePointsBlankLine)", () => {
    expect(parse("")).toEqual([]);
    expect(parse(" ")).toEqual([]);
    const points = parse("cpu value=1i 1000000000\n\ncpu value=2i 2000000000");
    expect(points.map((p) => [p.line, p.timestampMs])).toEqual([
      [1, 1000],
      [3, 2000],
    ]);
  });

  it("skips comments, indented ones too (TestParsePointsWithPrecisionComments)", () => {
    expect(parse("# comment only")).toEqual([]);
    expect(parse("# a point is below\ncpu,host=serverA value=1.0 946730096789012345")).toHaveLength(1);
    expect(parse("cpu,host=serverA value=1.0 946730096789012345\n# end of points")).toHaveLength(1);
    expect(parse("\t# a point is below\ncpu,host=serverA value=1.0 946730096789012345")[0].line).toBe(2);
  });

  it("allows extra spaces between sections and after the timestamp (TestParsePointWhitespace)", () => {
    for (const text of [
      "cpu    value=1.0 1257894000000000000",
      "cpu value=1.0     1257894000000000000",
      "cpu      value=1.0     1257894000000000000",
      "cpu value=1.0 1257894000000000000   ",
      "cpu value=1.0 1257894000000000000\n",
      "cpu   value=1.0 1257894000000000000\n",
    ]) {
      const point = one(text);
      expect([point.measurement, point.fields.get("value"), point.timestampMs]).toEqual([
        "cpu",
        { type: "float", value: 1 },
        1257894000000,
      ]);
    }
  });

  it("accepts CRLF line endings, a final CR, and counts lines across them", () => {
    const points = parse("a v=1 1000000000\r\n\r\nb v=2 2000000000\r\n# note\r\nc v=3\r");
    expect(points.map((p) => [p.line, p.measurement, p.fields.get("v")?.value, p.timestampMs])).toEqual([
      [1, "a", 1, 1000],
      [3, "b", 2, 2000],
      [5, "c", 3, RECEIVED_AT],
    ]);
  });

  it("keeps the last of a field given twice", () => {
    expect(fieldsOf("m v=1,v=2")).toEqual({ v: 2 });
  });
});

describe("line protocol: escaping (TestParsePointUnescape and neighbours)", () => {
  it("measurement: comma and space escape, equals stays literal", () => {
    expect(one("foo\\,bar value=1i").measurement).toBe("foo,bar");
    expect(one("cpu\\,main,regions=east value=1.0").measurement).toBe("cpu,main");
    expect(one("cpu\\ load,region=east value=1.0").measurement).toBe("cpu load");
    expect(one("cpu\\=load,region=east value=1.0").measurement).toBe("cpu\\=load");
    expect(one("cpu=load,region=east value=1.0").measurement).toBe("cpu=load");
    expect(one('"cpu",host=serverA value=1.0').measurement).toBe('"cpu"');
  });

  it("tag keys: comma, space and equals escape", () => {
    expect(tagsOf("cpu,region\\,zone=east value=1.0")).toEqual({ "region,zone": "east" });
    expect(tagsOf("cpu,region\\ zone=east value=1.0")).toEqual({ "region zone": "east" });
    expect(tagsOf("cpu,reg\\\\=ion=east value=1.0")).toEqual({ "reg\\=ion": "east" });
    expect(tagsOf("cpu,\\ =east value=1.0")).toEqual({ " ": "east" });
    expect(tagsOf('cpu,"host"="serverA",region=us-east value=1.0')).toEqual({ '"host"': '"serverA"', region: "us-east" });
  });

  it("tag values: comma, space and equals escape; other backslashes stay", () => {
    expect(tagsOf("cpu,regions=east\\,west value=1.0")).toEqual({ regions: "east,west" });
    expect(tagsOf("cpu,regions=east\\ west value=1.0")).toEqual({ regions: "east west" });
    expect(tagsOf("cpu,regions=\\\\ east value=1.0")).toEqual({ regions: "\\ east" });
    expect(tagsOf("cpu,regions=eas\\\\ t value=1.0")).toEqual({ regions: "eas\\ t" });
    expect(tagsOf("cpu,regions=east\\\\  value=1.0")).toEqual({ regions: "east\\ " });
    expect(tagsOf("cpu,regions=eas\\t value=1.0")).toEqual({ regions: "eas\\t" });
    expect(tagsOf("cpu,regions=\\\\,\\,\\=east value=1.0")).toEqual({ regions: "\\,,=east" });
    expect(tagsOf("cpu=load,equals\\=foo=tag\\=value value=1i")).toEqual({ "equals=foo": "tag=value" });
    expect(tagsOf('t159,label=hey\\ "ya a=1i,value=0i')).toEqual({ label: 'hey "ya' });
  });

  it("field keys: comma, space, equals and quote escape; other backslashes stay (TestParsePointsQuotesInFieldKey)", () => {
    expect(fieldsOf("cpu,regions=east value\\,ms=1.0")).toEqual({ "value,ms": 1 });
    expect(fieldsOf("cpu,regions=east value\\ ms=1.0")).toEqual({ "value ms": 1 });
    expect(fieldsOf("cpu a\\=b=1")).toEqual({ "a=b": 1 });
    expect(fieldsOf('cpu a\\"b=1')).toEqual({ 'a"b': 1 });
    expect(fieldsOf("cpu \\a=1i")).toEqual({ "\\a": 1 });
    expect(fieldsOf('cpu "a=1')).toEqual({ '"a': 1 });
    expect(fieldsOf("cpu,host=serverA,region=us-west a\\ =123i")).toEqual({ "a ": 123 });
  });

  it("string values: quote and backslash escape; commas, spaces, equals and newlines are literal", () => {
    expect(fieldsOf('cpu str="foo \\" bar"')).toEqual({ str: 'foo " bar' });
    expect(fieldsOf('cpu value=1.0,str="foo bar"')).toEqual({ value: 1, str: "foo bar" });
    expect(fieldsOf('cpu value=1.0,str="foo\\,bar"')).toEqual({ value: 1, str: "foo\\,bar" });
    expect(fieldsOf('cpu value=1.0,str="foo,bar"')).toEqual({ value: 1, str: "foo,bar" });
    expect(fieldsOf('cpu str="foo\\\\",str2="bar"')).toEqual({ str: "foo\\", str2: "bar" });
    expect(fieldsOf('cpu value="{Hello\\"{,}\\" World}"')).toEqual({ value: '{Hello"{,}" World}' });
    expect(fieldsOf('cpu value="{Hello\\"{\\,}\\" World}"')).toEqual({ value: '{Hello"{\\,}" World}' });
    expect(fieldsOf('cpu str="foo=bar",value=1.0')).toEqual({ str: "foo=bar", value: 1 });
    expect(fieldsOf('cpu value="test\\\\\\""')).toEqual({ value: 'test\\"' });
    expect(fieldsOf('cpu value="test\\\\"')).toEqual({ value: "test\\" });
    expect(fieldsOf('cpu value="test\\""')).toEqual({ value: 'test"' });
    expect(fieldsOf('cpu value="wè"')).toEqual({ value: "wè" });
  });

  it("a string value may span lines; the next point's line number counts them (TestParsePointWithStringWithNewline)", () => {
    const points = parse('cpu value=1.0,str="foo\nbar" 1000000000\nmem v=2');
    expect(Object.fromEntries([...points[0].fields].map(([k, f]) => [k, f.value]))).toEqual({ value: 1, str: "foo\nbar" });
    expect(points[1].line).toBe(3);
  });

  it("a quote in a tag value is literal and does not swallow the next line (TestParsePointsUnbalancedQuotedTags)", () => {
    const points = parse('baz,mytag="a x=1 1441103862125\nbaz,mytag=a z=1 1441103862126');
    expect(points.map((p) => [p.tags.get("mytag"), p.fields.get(p.line === 1 ? "x" : "z")?.value])).toEqual([
      ['"a', 1],
      ["a", 1],
    ]);
  });
});

describe("line protocol: field types", () => {
  it("floats: signs, no leading digit, exponents (TestParsePointFloat*)", () => {
    expect(fieldsOf("m a=-1.0,b=.1,c=1.0e4,d=1e4,e=1.0E4,f=1E4,g=1.0e-4,h=-1.0e-4,i=1,j=1.")).toEqual({
      a: -1,
      b: 0.1,
      c: 10000,
      d: 10000,
      e: 10000,
      f: 10000,
      g: 0.0001,
      h: -0.0001,
      i: 1,
      j: 1,
    });
  });

  it("float limits (TestParsePointMaxFloat64, TestParsePointMinFloat64)", () => {
    const max = `${BigInt(Number.MAX_VALUE)}.0`;
    expect(fieldsOf(`m v=${max}`)).toEqual({ v: Number.MAX_VALUE });
    expect(fieldsOf(`m v=0000${max}`)).toEqual({ v: Number.MAX_VALUE });
    expect(fieldsOf(`m v=-${max}`)).toEqual({ v: -Number.MAX_VALUE });
    expect(errorOf(`m v=1${max}`).reason).toMatch(/out of the 64-bit range/);
    expect(errorOf(`m v=-1${max}`).reason).toMatch(/out of the 64-bit range/);
  });

  it("integers: 64-bit range with leading zeros (TestParsePointMaxInt64, TestParsePointMinInt64)", () => {
    expect(one("m v=9223372036854775807i").fields.get("v")?.type).toBe("integer");
    expect(one("m v=0009223372036854775807i").fields.get("v")?.type).toBe("integer");
    expect(one("m v=-9223372036854775808i").fields.get("v")?.type).toBe("integer");
    expect(one("m v=-0009223372036854775808i").fields.get("v")?.type).toBe("integer");
    expect(one("m v=-1i").fields.get("v")).toEqual({ type: "integer", value: -1 });
    expect(errorOf("m v=9223372036854775808i").reason).toBe("integer 9223372036854775808 of field 'v' is out of the 64-bit range");
    expect(errorOf("m v=-9223372036854775809i").reason).toMatch(/out of the 64-bit range/);
  });

  it("unsigned: 64-bit range, never negative (TestParsePointMaxUint64, TestParsePointMinUint64)", () => {
    expect(one("m v=18446744073709551615u").fields.get("v")?.type).toBe("unsigned");
    expect(one("m v=00018446744073709551615u").fields.get("v")?.type).toBe("unsigned");
    expect(one("m v=0u").fields.get("v")).toEqual({ type: "unsigned", value: 0 });
    expect(one("m v=0000u").fields.get("v")).toEqual({ type: "unsigned", value: 0 });
    expect(errorOf("m v=18446744073709551616u").reason).toMatch(/out of the 64-bit range/);
    expect(errorOf("m v=--1u").reason).toMatch(/is not a number/);
    expect(errorOf("cpu v=-123u").reason).toMatch(/is not a number/);
  });

  it("booleans: t T true True TRUE f F false False FALSE (TestParsePointWithBoolField)", () => {
    expect(fieldsOf("cpu true=true,t=t,T=T,TRUE=TRUE,True=True,false=false,f=f,F=F,FALSE=FALSE,False=False")).toEqual({
      true: true,
      t: true,
      T: true,
      TRUE: true,
      True: true,
      false: false,
      f: false,
      F: false,
      FALSE: false,
      False: false,
    });
  });

  it("refuses values of no type, naming the value and the field (TestParsePointBadNumber, NaN, booleans)", () => {
    for (const value of ["-", "-i", "-.", ".", "1.0i", "1ii", "1a", "-e-e-e", "42+3", ".1a", "0.-1", "1.1.1", "9ie10", "9e10i"]) {
      expect(errorOf(`cpu v=${value} `).reason).toBe(`field value '${value}' is not a number, a string in quotes or a boolean (field 'v')`);
    }
    for (const value of ["NaN", "nAn", "Inf", "a", "yes", "tru", "FaLsE", "0x10", "+1"]) {
      expect(errorOf(`cpu value=${value} 1000000000`).reason).toMatch(/is not a number, a string in quotes or a boolean/);
    }
  });
});

describe("line protocol: timestamps and precision", () => {
  it("converts each precision to epoch ms (TestParsePointsWithPrecision)", () => {
    expect(parse("cpu value=1.0 946730096789012345")[0].timestampMs).toBe(946730096789);
    expect(parse("cpu value=1.0 946730096789012345", "ns")[0].timestampMs).toBe(946730096789);
    expect(parse("cpu value=1.0 946730096789012", "us")[0].timestampMs).toBe(946730096789);
    expect(parse("cpu value=1.0 946730096789", "ms")[0].timestampMs).toBe(946730096789);
    expect(parse("cpu value=1.0 946730096", "s")[0].timestampMs).toBe(946730096000);
  });

  it("reads leading zeros and the largest timestamp of each precision", () => {
    expect(parse("m v=1 0001000000000")[0].timestampMs).toBe(1000);
    expect(parse("m v=1 9223372036854775", "us")[0].timestampMs).toBe(9223372036854);
    expect(errorOf("m v=1 9223372036854776", "us").reason).toMatch(/outside the range/);
    expect(parse("m v=1 9223372036854", "ms")[0].timestampMs).toBe(9223372036854);
    expect(errorOf("m v=1 9223372036855", "ms").reason).toMatch(/outside the range/);
    expect(parse("m v=1 9223372036", "s")[0].timestampMs).toBe(9223372036000);
    expect(errorOf("m v=1 9223372037", "s").reason).toMatch(/outside the range/);
  });

  it("keeps the exact millisecond of a 19-digit ns timestamp that a float would round up", () => {
    // 1765000000123999999 ns as a double is 1765000000124000000: the millisecond must stay 123.
    expect(parse("m v=1 1765000000123999999")[0].timestampMs).toBe(1765000000123);
  });

  it("truncates the receive time to the precision for points without a timestamp (TestParsePointsWithPrecisionNoTime)", () => {
    expect(parse("cpu value=1.0", "ns")[0].timestampMs).toBe(946730096789);
    expect(parse("cpu value=1.0", "us")[0].timestampMs).toBe(946730096789);
    expect(parse("cpu value=1.0", "ms")[0].timestampMs).toBe(946730096789);
    expect(parse("cpu value=1.0", "s")[0].timestampMs).toBe(946730096000);
  });

  it("accepts negative timestamps and InfluxDB's extremes (TestParsePointNegativeTimestamp, Max, Min)", () => {
    expect(one("cpu value=1 -1").timestampMs).toBe(-1);
    expect(one("cpu value=1 9223372036854775806").timestampMs).toBe(9223372036854);
    expect(one("cpu value=1 -9223372036854775806").timestampMs).toBe(-9223372036855);
  });

  it("refuses bad and out-of-range timestamps (TestParsePointInvalidTimestamp, TestParsePoint_TrailingSlash)", () => {
    expect(errorOf("cpu value=1 9223372036854775808").reason).toMatch(/outside the range InfluxDB accepts/);
    expect(errorOf("cpu value=1 9223372036854775807").reason).toMatch(/outside the range InfluxDB accepts/);
    expect(errorOf("cpu value=1 -92233720368547758078").reason).toMatch(/outside the range/);
    expect(errorOf("cpu value=1 -").reason).toBe("timestamp '-' is not an integer");
    expect(errorOf("cpu value=1 -/").reason).toBe("timestamp '-/' is not an integer");
    expect(errorOf("cpu value=1 -1?").reason).toBe("timestamp '-1?' is not an integer");
    expect(errorOf("cpu value=1 1-").reason).toBe("timestamp '1-' is not an integer");
    expect(errorOf("cpu value=1 9223372036854775807 12").reason).toBe("unexpected text after the timestamp: '12'");
    expect(errorOf("a v=1 0\\").reason).toBe("timestamp '0\\' is not an integer");
    expect(errorOf("cpu value=1 9300000000", "s").reason).toMatch(/outside the range/);
  });

  it("reads the precision query parameter, v1 spellings included", () => {
    expect([undefined, "", "ns", "n", "us", "u", "ms", "s", "h", "NS"].map((p) => parsePrecision(p))).toEqual([
      "ns",
      "ns",
      "ns",
      "ns",
      "us",
      "us",
      "ms",
      "s",
      undefined,
      undefined,
    ]);
  });
});

describe("line protocol: bad lines name their number and the reason", () => {
  it("names the line of the first bad point, counting comments and blank lines", () => {
    const error = errorOf("# header\npower value=1\n\nenergy value=abc\nvoltage value=oops");
    expect(error.line).toBe(4);
    expect(error.message).toBe("line 4: field value 'abc' is not a number, a string in quotes or a boolean (field 'value')");
  });

  it("missing fields (TestParsePointNoFields)", () => {
    for (const text of ["cpu_load_short,host=server01,region=us-west", "cpu", "="]) {
      expect(errorOf(text).reason).toMatch(/^missing fields/);
    }
    expect(errorOf("cpu,host==").reason).toMatch(/^invalid tag format/);
  });

  it("missing measurement", () => {
    expect(errorOf(",host=a value=1").reason).toBe("missing measurement before ','");
  });

  it("missing tag key (TestParsePointMissingTagKey)", () => {
    for (const text of [
      "cpu, value=1",
      "cpu,",
      "cpu,,,",
      "cpu,host=serverA,=us-east value=1i",
      "cpu,host=serverAa\\,,=us-east value=1i",
      "cpu,host=serverA\\,,=us-east value=1i",
      "cpu, =serverA value=1i",
    ]) {
      expect(errorOf(text).reason).toBe("missing tag key after ','");
    }
    expect(tagsOf("cpu,host=serverA,\\ =us-east value=1i")).toEqual({ host: "serverA", " ": "us-east" });
  });

  it("missing tag value (TestParsePointMissingTagValue)", () => {
    for (const text of [
      "cpu,host",
      "cpu,host,",
      "cpu,host=",
      "cpu,host value=1i",
      "cpu,host=serverA,region value=1i",
      "cpu,host=serverA,region= value=1i",
      "cpu,host=serverA,region=,zone=us-west value=1i",
    ]) {
      expect(errorOf(text).reason).toMatch(/^missing tag value/);
    }
  });

  it("unescaped equals in a tag value (TestParsePointInvalidTagFormat)", () => {
    expect(errorOf("cpu,host=f=o, v=1").reason).toBe(
      "invalid tag format: the value of tag 'host' has an unescaped '=' (write it as '\\=')",
    );
    expect(errorOf("cpu,host=f\\==o, v=1").reason).toMatch(/^invalid tag format/);
  });

  it("duplicate and reserved tags (TestParsePointWithDuplicateTags)", () => {
    expect(errorOf("cpu,host=serverA,host=serverB value=1i 1000000000").reason).toBe("duplicate tag 'host'");
    expect(errorOf("cpu,b=2,b=1,c=3 value=1i 1000000000").reason).toBe("duplicate tag 'b'");
    expect(errorOf("cpu,b=2,c=3,b=1 value=1i 1000000000").reason).toBe("duplicate tag 'b'");
    for (const key of ["_field", "_measurement", "time"]) expect(errorOf(`cpu,${key}=x v=1`).reason).toBe(`tag key '${key}' is reserved`);
  });

  it("missing field key (TestParsePointMissingFieldName)", () => {
    expect(errorOf("cpu,host=serverA,region=us-west =").reason).toBe("missing field key");
    expect(errorOf("cpu,host=serverA,region=us-west =123i").reason).toBe("missing field key");
    expect(errorOf("cpu,host=serverA,region=us-west value=123i,=456i").reason).toBe("missing field key");
    expect(errorOf("cpu value=1,").reason).toBe("missing field key");
    expect(errorOf('cpu "\\, \'= "\\ v=1.0').line).toBe(1);
  });

  it("missing field value (TestParsePointMissingFieldValue)", () => {
    expect(errorOf("cpu,host=serverA,region=us-west value=").reason).toBe("missing field value for field 'value'");
    expect(errorOf("cpu,host=serverA,region=us-west value= 1000000000i").reason).toBe("missing field value for field 'value'");
    expect(errorOf("cpu,host=serverA,region=us-west value=,value2=1i").reason).toBe("missing field value for field 'value'");
    expect(errorOf("cpu,host=server01,region=us-west 1434055562000000000i").reason).toBe(
      "missing field value: field '1434055562000000000i' has no '=' and value",
    );
    expect(errorOf("cpu,host=server01,region=us-west value=1i,b").reason).toBe("missing field value: field 'b' has no '=' and value");
    expect(errorOf('m f="blah"=123,r 1531703600000000000').reason).toBe("unexpected '=' after the closing quote of field 'f'");
  });

  it("unbalanced quotes (TestParsePointMissingQuote), named at the line the point starts", () => {
    expect(errorOf('ok v=1\ncpu,host=serverA value="test\nnext v=2').message).toBe(
      "line 2: unbalanced quotes: the string value of field 'value' has no closing quote",
    );
    expect(errorOf('cpu,host=serverA value="test""').reason).toBe("unexpected '\"' after the closing quote of field 'value'");
  });
});
