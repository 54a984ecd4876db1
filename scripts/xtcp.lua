-- SPDX-License-Identifier: GPL-2.0
--
-- xtcp.lua: Wireshark/tshark plugin for XTCP, so captures decode without
-- "Decode As":
--
--   tshark -X lua_script:scripts/xtcp.lua -r capture.pcap
--   tshark -X lua_script:scripts/xtcp.lua -X lua_script1:ipproto=254 ...
--   wireshark: copy to ~/.local/lib/wireshark/plugins/
--
-- XTCP's header is TCP's (RFC 9293), carried under its own IP protocol
-- number (253 unless xtcp.ko was loaded with ipproto=N; give the same N
-- as the script argument or in the "XTCP" protocol preferences). This
-- registers a small "xtcp" layer on that number which checks XTCP's
-- checksum and hands the segment to Wireshark's TCP dissector, so every
-- tcp.* field, filter, stream and analysis works.
--
-- Why a checksum of our own: XTCP's checksum covers a pseudo-header with
-- XTCP's protocol number, while the TCP dissector (if told to validate at
-- all) would sum with protocol 6 and call every XTCP segment bad. The
-- verdict is in xtcp.checksum.status: "good", "bad", "partial" (captured
-- at the sender before the device that completes an offloaded checksum:
-- the field then holds only the pseudo-header sum, with XTCP's ports), or "unverified" (a
-- truncated capture); the expected value is xtcp.checksum.calculated.

local DEFAULT_IPPROTO = 253

local xtcp = Proto("xtcp", "XTCP (TCP over its own IP protocol number)")

local f_status = ProtoField.string("xtcp.checksum.status", "Checksum status")
local f_calc = ProtoField.uint16("xtcp.checksum.calculated", "Calculated checksum",
				 base.HEX)
local f_proto = ProtoField.uint8("xtcp.ipproto", "IP protocol number")
xtcp.fields = { f_status, f_calc, f_proto }

local e_bad = ProtoExpert.new("xtcp.checksum.bad", "Bad XTCP checksum",
			      expert.group.CHECKSUM, expert.severity.ERROR)
xtcp.experts = { e_bad }

local args = { ... }
local arg_proto
for _, a in ipairs(args) do
	local v = a:match("^ipproto=(%d+)$")
	if v then
		arg_proto = tonumber(v)
	end
end

xtcp.prefs.ipproto = Pref.uint("IP protocol number", arg_proto or DEFAULT_IPPROTO,
			       "xtcp.ko's ipproto= module parameter")

local ip_src = Field.new("ip.src")
local ip_dst = Field.new("ip.dst")
local ip_len = Field.new("ip.len")
local ip_hdr_len = Field.new("ip.hdr_len")
local tcp_dissector = Dissector.get("tcp")

-- ones' complement sum of a byte string, 16 bits at a time
local function sum16(bytes, acc)
	local n = bytes:len()
	local i = 0
	while i + 1 < n do
		acc = acc + bytes:get_index(i) * 256 + bytes:get_index(i + 1)
		i = i + 2
	end
	if i < n then
		acc = acc + bytes:get_index(i) * 256
	end
	return acc
end

local function fold(acc)
	while acc > 0xffff do
		acc = bit32.band(acc, 0xffff) + bit32.rshift(acc, 16)
	end
	return acc
end

-- The last occurrence of an IP field is the header nearest to us (the
-- inner one when the segment was tunnelled).
local function last(field)
	local all = { field() }
	return all[#all]
end

function xtcp.dissector(tvb, pinfo, tree)
	local sub = tree:add(xtcp, tvb(), "XTCP")
	local proto = xtcp.prefs.ipproto
	sub:add(f_proto, proto):set_generated()

	local src, dst = last(ip_src), last(ip_dst)
	local tot, hl = last(ip_len), last(ip_hdr_len)
	local seglen = -1
	if src and dst and tot and hl then
		seglen = tot.value - hl.value
	end
	if seglen < 20 or tvb:len() < seglen then
		sub:add(f_status, "unverified"):set_generated()
		return tcp_dissector:call(tvb, pinfo, tree)
	end

	local pseudo = sum16(src.range:bytes(), 0)
	pseudo = sum16(dst.range:bytes(), pseudo) + proto + seglen
	local acc = sum16(tvb(0, 16):bytes(), pseudo)
	if seglen > 18 then
		acc = sum16(tvb(18, seglen - 18):bytes(), acc)
	end
	local calc = bit32.band(bit32.bnot(fold(acc)), 0xffff)
	local wire = tvb(16, 2):uint()
	sub:add(f_calc, calc):set_generated()
	local status
	if fold(acc + wire) == 0xffff then
		status = "good"
	elseif wire == fold(pseudo) or wire == fold(sum16(tvb(0, 4):bytes(), pseudo)) then
		-- CHECKSUM_PARTIAL, captured before the device that completes
		-- it: the field holds the pseudo-header sum, and XTCP (whose sum
		-- starts after the ports, csum_offset 12) adds the ports to it.
		status = "partial"
	else
		status = "bad"
	end
	local item = sub:add(f_status, status)
	item:set_generated()
	if status == "bad" then
		item:add_proto_expert_info(e_bad)
	end
	return tcp_dissector:call(tvb, pinfo, tree)
end

local registered
local function register()
	local t = DissectorTable.get("ip.proto")
	if registered then
		t:remove(registered, xtcp)
	end
	registered = xtcp.prefs.ipproto
	t:add(registered, xtcp)
end

function xtcp.prefs_changed()
	if registered ~= xtcp.prefs.ipproto then
		register()
	end
end

register()
